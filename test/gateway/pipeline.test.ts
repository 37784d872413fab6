// The call pipeline in process: a real SDK Client and the session's SDK Server on in-memory
// transports, in-memory fixture upstreams, the real policy engine, inspector and approver with an
// in-memory ticket store. Fast; the end-to-end suites prove the same over real pipes and sockets.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { parseConfig } from '../../src/config/index.js';
import { createMemoryUpstream } from '../../src/upstream/index.js';
import { createInspector } from '../../src/inspect/index.js';
import { createApprover, MemoryTicketStore } from '../../src/approval/index.js';
import { createMemorySink } from '../../src/audit/jsonl-sink.js';
import { openSession } from '../../src/front/open-session.js';
import type { GatewayDeps } from '../../src/gateway/types.js';
import { createEchoServer } from '../fixtures/echo-tools.mjs';

const YAML = `
servers:
  echo:
    command: node
    args: [unused.mjs]
    readonly: [echo, add]
  notes:
    command: node
    args: [unused.mjs]
profiles:
  base:
    allow: ["echo/*", "notes/echo", "notes/write_note"]
    ask: ["echo/write_note"]
    deny: ["echo/env", "*/fail"]
    approval:
      mode: granular
      required_tools: ["notes/write_note"]
      dangerous_patterns: ["rm -rf"]
agents:
  dev:
    extends: [base]
  prod-bot:
    extends: [base]
environments:
  dev: { safety: full }
  prod: { safety: safe, agents: [dev] }
approval:
  channels: [elicitation, console]
  timeout: 2s
`;

async function gateway(options: { agent?: string; environment?: string; capabilities?: ClientCapabilities; elicit?: (params: unknown) => unknown } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pipeline-'));
  const config = parseConfig(YAML, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  const store = new MemoryTicketStore();
  const audit = createMemorySink();
  const deps: GatewayDeps = {
    config,
    environment: options.environment ?? 'dev',
    createUpstream: (server, opts) =>
      createMemoryUpstream(server.id, () => createEchoServer({ name: server.id }), {
        hooks: opts.hooks,
        ...(opts.clientCapabilities ? { capabilities: opts.clientCapabilities } : {}),
      }),
    inspector: createInspector(),
    approver: createApprover(config.approval, { nonInteractive: false, store }),
    audit,
  };
  const client = new Client({ name: 'unit', version: '1' }, { capabilities: options.capabilities ?? {} });
  if (options.elicit) client.setRequestHandler(ElicitRequestSchema, async (request) => options.elicit!(request.params) as never);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const { session, connect } = await openSession(deps, options.agent ?? 'dev', { protocolVersion: '2025-06-18', capabilities: options.capabilities ?? {}, clientInfo: { name: 'unit', version: '1' } });
  await connect(serverSide);
  await client.connect(clientSide);
  return { client, session, store, audit, close: async () => (await client.close(), await session.close()) };
}

const text = (result: unknown) => ((result as { content: Array<{ text: string }> }).content ?? []).map((c) => c.text).join('\n');

test('list is filtered by the same policy that decides calls', async () => {
  const g = await gateway();
  const names = (await g.client.listTools()).tools.map((t) => t.name);
  expect(names).toContain('echo_echo');
  expect(names).toContain('echo_write_note');
  expect(names).toContain('notes_write_note');
  expect(names).not.toContain('echo_env');
  expect(names).not.toContain('echo_fail');
  expect(names).not.toContain('notes_add');
  await g.close();
});

test('allow forwards; deny never reaches the upstream', async () => {
  const g = await gateway();
  expect(text(await g.client.callTool({ name: 'echo_echo', arguments: { text: 'hi' } }))).toContain('hi');
  await expect(g.client.callTool({ name: 'echo_env', arguments: {} })).rejects.toThrow(/Unknown tool "echo_env"/);
  const stats = JSON.parse(text(await g.client.callTool({ name: 'echo_stats', arguments: {} }))) as { calls: number };
  expect(stats.calls).toBe(1);
  await g.close();
});

test('a dangerous pattern in the arguments asks; elicitation decline denies with the reason', async () => {
  const seen: unknown[] = [];
  const g = await gateway({
    capabilities: { elicitation: {} },
    elicit: (params) => {
      seen.push(params);
      return { action: 'decline' };
    },
  });
  const result = await g.client.callTool({ name: 'echo_echo', arguments: { text: 'please RM   -RF the thing' } });
  expect(result.isError).toBe(true);
  expect(text(result)).toContain('mcp-warden denied the call to "echo/echo"');
  expect(text(result)).toMatch(/Approval was not given/);
  expect(JSON.stringify(seen)).toContain('please RM   -RF the thing');
  const record = g.audit.records.find((r) => r.tool === 'echo/echo' && r.outcome === 'denied')!;
  expect(record.approval?.channel).toBe('elicitation');
  await g.close();
});

test('elicitation accept with approve forwards the exact call', async () => {
  const g = await gateway({ capabilities: { elicitation: {} }, elicit: () => ({ action: 'accept', content: { decision: 'approve' } }) });
  const result = await g.client.callTool({ name: 'notes_write_note', arguments: { path: 'a.txt', text: 'hello' } });
  expect(result.isError).toBeFalsy();
  expect(text(result)).toContain('would write 5 characters to a.txt');
  await g.close();
});

test('an ask answered through the ticket store (console or CLI) forwards the call', async () => {
  const g = await gateway();
  const pending = g.client.callTool({ name: 'echo_write_note', arguments: { path: 'b.txt', text: 'x' } });
  let id: string | undefined;
  for (let i = 0; i < 100 && !id; i += 1) {
    id = (await g.store.list()).find((t) => t.state === 'pending')?.id;
    if (!id) await new Promise((r) => setTimeout(r, 20));
  }
  expect(id).toBeDefined();
  const ticket = (await g.store.get(id!))!;
  expect(ticket).toMatchObject({ agent: 'dev', server: 'echo', tool: 'write_note', arguments: { path: 'b.txt', text: 'x' } });
  expect((await g.store.decide(id!, { state: 'approved', channel: 'console', by: 'tester' })).ok).toBe(true);
  const result = await pending;
  expect(result.isError).toBeFalsy();
  expect(g.audit.records.at(-1)).toMatchObject({ tool: 'echo/write_note', outcome: 'ok', approval: { channel: 'console', by: 'tester' } });
  await g.close();
});

test('an unanswered ask is denied at the timeout', async () => {
  const g = await gateway();
  const started = Date.now();
  const result = await g.client.callTool({ name: 'echo_write_note', arguments: { path: 'c.txt', text: 'x' } });
  expect(result.isError).toBe(true);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  await g.close();
});

test('safe environment denies writes; inactive agents see nothing', async () => {
  const g = await gateway({ environment: 'prod' });
  const names = (await g.client.listTools()).tools.map((t) => t.name);
  expect(names).toContain('echo_echo');
  expect(names).not.toContain('notes_write_note');
  await g.close();
  const other = await gateway({ agent: 'prod-bot', environment: 'prod' });
  expect((await other.client.listTools()).tools).toEqual([]);
  await other.close();
});

test('arguments that are not an object are refused', async () => {
  const g = await gateway();
  await expect(g.session.callTool({ name: 'echo_echo', arguments: ['x'] }, { signal: new AbortController().signal, sendNotification: async () => {}, sendRequest: async () => ({}) })).rejects.toThrow(
    /must be a JSON object/,
  );
  await g.close();
});
