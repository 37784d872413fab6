// The HTTP front closes sessions nobody uses (health checks never send DELETE) together with their
// upstreams, but keeps a session whose client holds a stream open.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parseConfig } from '../../src/config/index.js';
import { createMemoryUpstream } from '../../src/upstream/index.js';
import { createInspector } from '../../src/inspect/index.js';
import { createApprover, MemoryTicketStore } from '../../src/approval/index.js';
import { createMemorySink } from '../../src/audit/jsonl-sink.js';
import { serveHttp } from '../../src/front/http-front.js';
import type { GatewayDeps } from '../../src/gateway/types.js';
import { createEchoServer } from '../fixtures/echo-tools.mjs';

test('an idle session without streams is closed with its upstreams; one with an open stream is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-idle-'));
  const config = parseConfig(`servers:\n  echo: { command: node, args: [x.mjs] }\nagents:\n  a: { allow: ["echo/*"], token: tok-a }\n`, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  let closedUpstreams = 0;
  const deps: GatewayDeps = {
    config,
    environment: 'dev',
    createUpstream: (server, opts) => {
      const upstream = createMemoryUpstream(server.id, () => createEchoServer(), { hooks: opts.hooks });
      const close = upstream.close.bind(upstream);
      upstream.close = async () => {
        closedUpstreams += 1;
        await close();
      };
      return upstream;
    },
    inspector: createInspector(),
    approver: createApprover(config.approval, { nonInteractive: true, store: new MemoryTicketStore() }),
    audit: createMemorySink(),
  };
  const front = await serveHttp(deps, { host: '127.0.0.1', port: 0, idleTimeoutMs: 400 });
  const connect = async () => {
    const client = new Client({ name: 'idle', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(front.url), { requestInit: { headers: { Authorization: 'Bearer tok-a' } } }));
    return client;
  };
  try {
    const kept = await connect(); // the SDK client opens a GET stream after initialize
    const raw = await fetch(front.url, {
      method: 'POST',
      headers: { Authorization: 'Bearer tok-a', 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } }),
    });
    await raw.text();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(front.sessionCount()).toBe(2);
    const deadline = Date.now() + 10_000;
    while (front.sessionCount() > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(front.sessionCount()).toBe(1);
    expect(closedUpstreams).toBe(1);
    expect((await kept.listTools()).tools.length).toBeGreaterThan(0);
    await kept.close();
  } finally {
    await front.close();
  }
});

test('an agent over its session cap loses its oldest idle session, and is refused when all are busy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cap-'));
  const config = parseConfig(`servers:\n  echo: { command: node, args: [x.mjs] }\nagents:\n  a: { allow: ["echo/*"], token: tok-a }\n`, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  const deps: GatewayDeps = {
    config,
    environment: 'dev',
    createUpstream: (server, opts) => createMemoryUpstream(server.id, () => createEchoServer(), { hooks: opts.hooks }),
    inspector: createInspector(),
    approver: createApprover(config.approval, { nonInteractive: true, store: new MemoryTicketStore() }),
    audit: createMemorySink(),
  };
  // No quiet period: any session with nothing open or running may be evicted, as these tests pin.
  const front = await serveHttp(deps, { host: '127.0.0.1', port: 0, maxSessionsPerAgent: 2, evictAfterMs: 0 });
  const init = () =>
    fetch(front.url, {
      method: 'POST',
      headers: { Authorization: 'Bearer tok-a', 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cap', version: '1' } } }),
    });
  const open = async () => {
    const client = new Client({ name: 'cap', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(front.url), { requestInit: { headers: { Authorization: 'Bearer tok-a' } } }));
    return client;
  };
  try {
    const first = await init();
    const firstId = first.headers.get('mcp-session-id');
    await first.text();
    const busy = await open();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const third = await init();
    expect(third.status).toBe(200);
    await third.text();
    const stale = await fetch(front.url, {
      method: 'POST',
      headers: { Authorization: 'Bearer tok-a', 'Mcp-Session-Id': firstId!, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(stale.status).toBe(404);
    const alsoBusy = await open();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await init();
    expect(refused.status).toBe(429);
    expect((await busy.listTools()).tools.length).toBeGreaterThan(0);
    await busy.close();
    await alsoBusy.close();
  } finally {
    await front.close();
  }
});

test('concurrent initializes cannot get past the cap, and a session whose call still runs after its client hung up is not evicted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cap-'));
  const config = parseConfig(`servers:\n  echo: { command: node, args: [x.mjs] }\nagents:\n  a: { allow: ["echo/*"], token: tok-a }\n`, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  const deps: GatewayDeps = {
    config,
    environment: 'dev',
    // Slow to connect, so many initializes are being opened at once.
    createUpstream: (server, opts) => {
      const upstream = createMemoryUpstream(server.id, () => createEchoServer(), { hooks: opts.hooks });
      const connect = upstream.connect.bind(upstream);
      upstream.connect = async (signal) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return connect(signal);
      };
      return upstream;
    },
    inspector: createInspector(),
    approver: createApprover(config.approval, { nonInteractive: true, store: new MemoryTicketStore() }),
    audit: createMemorySink(),
  };
  // A quiet period long enough that no session opened here goes quiet for it while the initializes
  // are still arriving on a loaded machine.
  const front = await serveHttp(deps, { host: '127.0.0.1', port: 0, maxSessionsPerAgent: 3, evictAfterMs: 1_000 });
  const headers = { Authorization: 'Bearer tok-a', 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
  const init = () =>
    fetch(front.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cap', version: '1' } } }),
    });
  try {
    const responses = await Promise.all(Array.from({ length: 12 }, init));
    const statuses = responses.map((response) => response.status).sort();
    await Promise.all(responses.map((response) => response.text()));
    expect(statuses).toEqual([200, 200, 200, ...Array<number>(9).fill(429)]);
    expect(front.sessionCount()).toBe(3);

    // All three are idle; one starts a slow call and hangs up on it: the call still runs.
    const ids = responses.filter((response) => response.status === 200).map((response) => response.headers.get('mcp-session-id')!);
    const hangUp = new AbortController();
    const slow = fetch(front.url, {
      method: 'POST',
      headers: { ...headers, 'Mcp-Session-Id': ids[0]! },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'echo_slow', arguments: { ms: 5000 } } }),
      signal: hangUp.signal,
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    hangUp.abort();
    await slow;
    // Make the others the most recently used, so only "idle" decides: the busy one must survive.
    for (const other of ids.slice(1)) {
      const touched = await fetch(front.url, { method: 'POST', headers: { ...headers, 'Mcp-Session-Id': other }, body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }) });
      await touched.text();
    }
    // Past the quiet period for all three: the busy one is the oldest, so only "busy" can save it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fourth = await init();
    expect(fourth.status).toBe(200);
    await fourth.text();
    const busy = await fetch(front.url, {
      method: 'POST',
      headers: { ...headers, 'Mcp-Session-Id': ids[0]! },
      body: JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/list' }),
    });
    expect(busy.status).toBe(200);
    await busy.text();
  } finally {
    await front.close();
  }
});
