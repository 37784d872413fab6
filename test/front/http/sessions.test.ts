// The HTTP front's sessions without a socket: a real gateway session over an in-memory upstream,
// fake responses. Admission (429 with Retry-After, eviction), a client that hangs up or a front
// that closes while the upstreams start, and each request counted as use of its session.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { createMemoryUpstream } from '../../../src/upstream/index.js';
import { createInspector } from '../../../src/inspect/index.js';
import { createApprover, MemoryTicketStore } from '../../../src/approval/index.js';
import { createMemorySink } from '../../../src/audit/jsonl-sink.js';
import { HttpSessions } from '../../../src/front/http/sessions.js';
import { HttpError } from '../../../src/front/http/http-error.js';
import type { GatewayDeps } from '../../../src/gateway/types.js';
import { createEchoServer } from '../../fixtures/echo-tools.mjs';
import { fakeContext } from './fake-http.js';

const PARAMS = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } };

function setup(options: { max?: number; evictAfterMs?: number; connectDelayMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-sessions-'));
  const config = parseConfig(`servers:\n  echo: { command: node, args: [x.mjs] }\nagents:\n  a: { allow: ["echo/*"], token: tok-a }\n`, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  const upstreams = { open: 0, closed: 0 };
  const deps: GatewayDeps = {
    config,
    environment: 'dev',
    createUpstream: (server, opts) => {
      const upstream = createMemoryUpstream(server.id, () => createEchoServer(), { hooks: opts.hooks });
      const connect = upstream.connect.bind(upstream);
      const close = upstream.close.bind(upstream);
      upstream.connect = async (signal) => {
        upstreams.open += 1;
        if (options.connectDelayMs) await new Promise((resolve) => setTimeout(resolve, options.connectDelayMs));
        return connect(signal);
      };
      upstream.close = async () => {
        upstreams.closed += 1;
        await close();
      };
      return upstream;
    },
    inspector: createInspector(),
    approver: createApprover(config.approval, { nonInteractive: true, store: new MemoryTicketStore() }),
    audit: createMemorySink(),
  };
  const logged: string[] = [];
  const sessions = new HttpSessions(deps, { maxPerAgent: options.max ?? 2, evictAfterMs: options.evictAfterMs ?? 60_000, log: (line) => logged.push(line) });
  return { sessions, upstreams, logged };
}

test('opened sessions are the agent\'s own; DELETE closes one with its upstreams', async () => {
  const { sessions, upstreams } = setup();
  const endpoint = (await sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS }))!;
  expect(endpoint.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(sessions.get(endpoint.id, 'a')).toBe(endpoint);
  expect(sessions.get(endpoint.id, 'b')).toBeUndefined();
  expect(sessions.size).toBe(1);
  await sessions.close(endpoint.id);
  expect(sessions.size).toBe(0);
  expect(upstreams.closed).toBe(upstreams.open);
  await sessions.closeAll();
});

test('at the cap with every session used a moment ago, a newcomer is refused with 429 and Retry-After', async () => {
  const { sessions } = setup({ max: 1 });
  await sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS });
  const refused = await sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(HttpError);
  const error = refused as HttpError;
  expect(error.status).toBe(429);
  expect(error.headers).toEqual({ 'Retry-After': '60' });
  expect(error.message).toBe('Agent "a" already has 1 sessions in use; end one (DELETE) or retry in 60 s, when one may have been quiet long enough to be closed');
  await sessions.closeAll();
});

test('at the cap, the session quiet long enough is evicted, closed and logged', async () => {
  const { sessions, upstreams, logged } = setup({ max: 1, evictAfterMs: 0 });
  const first = (await sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS }))!;
  const second = (await sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS }))!;
  expect(sessions.get(first.id, 'a')).toBeUndefined();
  expect(sessions.get(second.id, 'a')).toBe(second);
  expect(logged).toEqual([`Closed session ${first.id} of agent "a", unused longest, to open a new one (at most 1 per agent)`]);
  await expect.poll(() => upstreams.closed).toBe(1);
  await sessions.closeAll();
});

test('a request is use of its session until its response closes', async () => {
  const { sessions } = setup({ max: 1, evictAfterMs: 0 });
  const endpoint = (await sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS }))!;
  const { ctx, hangUp } = fakeContext();
  // A notification only: answered 202 at once, but the response counts until it closes.
  sessions.post(endpoint, ctx.res, [{ jsonrpc: '2.0', method: 'notifications/initialized' }]);
  await expect(sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS })).rejects.toThrow(/already has 1 sessions in use/);
  hangUp();
  const next = await sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS });
  expect(next).toBeDefined();
  await sessions.closeAll();
});

test('a client that hangs up while the upstreams start leaves no session, and its room is given back', async () => {
  const { sessions, upstreams } = setup({ max: 1, connectDelayMs: 100 });
  const { ctx, hangUp } = fakeContext();
  const opening = sessions.open(ctx.res, { agent: 'a', initialize: PARAMS });
  setTimeout(hangUp, 20);
  expect(await opening).toBeUndefined();
  expect(sessions.size).toBe(0);
  await expect.poll(() => upstreams.closed).toBe(upstreams.open);
  expect(await sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS })).toBeDefined();
  await sessions.closeAll();
});

test('a session still opening when the front closes is closed as soon as it is open', async () => {
  const { sessions, upstreams } = setup({ connectDelayMs: 100 });
  const opening = sessions.open(fakeContext().ctx.res, { agent: 'a', initialize: PARAMS });
  await new Promise((resolve) => setTimeout(resolve, 20));
  await sessions.closeAll();
  expect(await opening).toBeUndefined();
  expect(sessions.size).toBe(0);
  await expect.poll(() => upstreams.closed).toBe(upstreams.open);
});
