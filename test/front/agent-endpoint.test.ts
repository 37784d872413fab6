// The AgentEndpoint in a real session (config, policy, approver, in-memory upstream), driven message
// by message through a fake agent transport: tools/call reaches session.callTool (once, by one route)
// with its parameters checked, cancellation and progress relayed; initialize, ping and the rest too.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { parseConfig } from '../../src/config/index.js';
import { createMemoryUpstream } from '../../src/upstream/index.js';
import { createInspector } from '../../src/inspect/index.js';
import { createApprover, MemoryTicketStore } from '../../src/approval/index.js';
import { createMemorySink } from '../../src/audit/jsonl-sink.js';
import { openSession } from '../../src/front/open-session.js';
import { callParams } from '../../src/front/call-params.js';
import { AgentEndpoint } from '../../src/front/agent-endpoint.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayDeps } from '../../src/gateway/types.js';

const YAML = `
servers:
  up: { command: node, args: [unused.mjs] }
agents:
  agent:
    allow: ["up/*"]
    ask: ["up/guarded"]
`;

/** What the upstream server saw: every tool call by name (and resource read), and every abort with its reason. */
interface UpstreamLog {
  calls: string[];
  aborted: Array<{ what: string; reason: string }>;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function makeUpstream(log: UpstreamLog): McpServer {
  const server = new McpServer({ name: 'up', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => {
    log.calls.push('echo');
    return { content: [{ type: 'text', text: `echo: ${text}` }] };
  });
  server.registerTool('guarded', { inputSchema: {} }, async () => {
    log.calls.push('guarded');
    return { content: [{ type: 'text', text: 'ran guarded' }] };
  });
  server.registerTool('slow', { inputSchema: {} }, async (_args, extra) => {
    log.calls.push('slow');
    await untilAborted(extra.signal);
    log.aborted.push({ what: 'slow', reason: String(extra.signal.reason) });
    return { content: [{ type: 'text', text: 'stopped' }] };
  });
  server.registerTool('steps', { inputSchema: {} }, async (_args, extra) => {
    log.calls.push('steps');
    const progressToken = extra._meta?.progressToken;
    if (progressToken === undefined) throw new Error('steps was called without a progress token');
    await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 1, total: 2, message: 'first' } });
    await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 2, total: 2, message: 'second' } });
    return { content: [{ type: 'text', text: 'all steps done' }] };
  });
  server.registerResource('slow-resource', 'slow://one', {}, async (uri, extra) => {
    log.calls.push('read slow://one');
    await untilAborted(extra.signal);
    log.aborted.push({ what: 'slow-resource', reason: String(extra.signal.reason) });
    return { contents: [{ uri: uri.href, text: 'late' }] };
  });
  return server;
}

interface Sent {
  message: JSONRPCMessage;
  options: TransportSendOptions | undefined;
}

/** The agent's side: a transport whose onmessage the test calls and whose sends it collects. */
function agentTransport() {
  const sent: Sent[] = [];
  let closed = false;
  const transport: Transport = {
    async start() {},
    async send(message, options) {
      sent.push({ message, options });
    },
    async close() {
      if (closed) return;
      closed = true;
      transport.onclose?.();
    },
  };
  return {
    transport,
    sent,
    receive: (message: JSONRPCMessage) => transport.onmessage!(message),
    /** The response to request `id`, if one was sent. */
    response: (id: string | number) => sent.find(({ message }) => 'id' in message && message.id === id && !('method' in message))?.message,
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function gatewayDeps() {
  const dir = mkdtempSync(join(tmpdir(), 'warden-router-'));
  const config = parseConfig(YAML, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  const upstream: UpstreamLog = { calls: [], aborted: [] };
  const logged: string[] = [];
  const deps: GatewayDeps = {
    config,
    environment: 'dev',
    createUpstream: (server, opts) => createMemoryUpstream(server.id, () => makeUpstream(upstream), { hooks: opts.hooks }),
    inspector: createInspector(),
    // No channel reaches a human: every ask is denied at once.
    approver: createApprover(config.approval, { nonInteractive: true, store: new MemoryTicketStore() }),
    audit: createMemorySink(),
    log: (message) => logged.push(message),
  };
  return { deps, upstream, logged };
}

async function gateway() {
  const { deps, upstream, logged } = gatewayDeps();
  const opened = await openSession(deps, 'agent', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'router-test', version: '1' } });
  // Every entrance to a tool: exactly one session.callTool per tools/call the agent sends.
  const callToolNames: string[] = [];
  const callTool = opened.session.callTool.bind(opened.session);
  opened.session.callTool = (params, context) => {
    callToolNames.push(params.name);
    return callTool(params, context);
  };
  const agent = agentTransport();
  await opened.connect(agent.transport);
  return {
    ...agent,
    upstream,
    logged,
    callToolNames,
    /** Sends a request and waits for its response. */
    ask: async (id: string | number, method: string, params?: Record<string, unknown>) => {
      agent.receive({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
      await until(() => agent.response(id) !== undefined, `the response to ${JSON.stringify(id)}`);
      return agent.response(id)!;
    },
    close: async () => {
      await opened.endpoint.close();
    },
  };
}

async function initialized(g: Awaited<ReturnType<typeof gateway>>, id: string | number = 0): Promise<void> {
  await g.ask(id, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'router-test', version: '1' } });
  g.receive({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

test('initialize and tools/list are answered by the endpoint; tools/call by session.callTool with the upstream result', async () => {
  const g = await gateway();
  try {
    const init = await g.ask(0, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'router-test', version: '1' } });
    expect(init).toMatchObject({ jsonrpc: '2.0', id: 0, result: { protocolVersion: '2025-06-18', serverInfo: { name: 'mcp-warden' } } });
    g.receive({ jsonrpc: '2.0', method: 'notifications/initialized' });

    const list = await g.ask(1, 'tools/list');
    expect((list as unknown as { result: { tools: Array<{ name: string }> } }).result.tools.map((tool) => tool.name).sort()).toEqual(['up_echo', 'up_guarded', 'up_slow', 'up_steps']);

    const call = await g.ask('call-1', 'tools/call', { name: 'up_echo', arguments: { text: 'hello' } });
    expect(call).toEqual({ jsonrpc: '2.0', id: 'call-1', result: { content: [{ type: 'text', text: 'echo: hello' }] } });
    expect(g.upstream.calls).toEqual(['echo']);
    expect(g.callToolNames).toEqual(['up_echo']);
  } finally {
    await g.close();
  }
});

test('a denied call is answered with isError text from mcp-warden and never reaches the upstream', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    const denied = (await g.ask(2, 'tools/call', { name: 'up_guarded', arguments: {} })) as unknown as { id: number; result: { isError?: boolean; content: Array<{ type: string; text: string }> } };
    expect(denied.id).toBe(2);
    expect(denied.result.isError).toBe(true);
    expect(denied.result.content).toHaveLength(1);
    expect(denied.result.content[0]!.text).toMatch(/^mcp-warden denied the call to "up\/guarded"\./);
    expect(denied.result.content[0]!.text).toContain('runs non-interactively');
    expect(g.upstream.calls).toEqual([]);
    expect(g.callToolNames).toEqual(['up_guarded']);
  } finally {
    await g.close();
  }
});

test('an unknown tool is a JSON-RPC InvalidParams error, upstream untouched', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    const response = await g.ask(3, 'tools/call', { name: 'up_nothing', arguments: {} });
    expect(response).toMatchObject({ jsonrpc: '2.0', id: 3, error: { code: ErrorCode.InvalidParams } });
    expect((response as { error: { message: string } }).error.message).toMatch(/Unknown tool "up_nothing"/);
    expect(g.upstream.calls).toEqual([]);
  } finally {
    await g.close();
  }
});

const BAD_PARAMS: Array<{ label: string; params: unknown; message: string }> = [
  { label: 'missing', params: undefined, message: 'Invalid tools/call request: params must be an object' },
  { label: 'null', params: null, message: 'Invalid tools/call request: params must be an object' },
  { label: 'an array', params: ['up_echo'], message: 'Invalid tools/call request: params must be an object' },
  { label: 'a string', params: 'up_echo', message: 'Invalid tools/call request: params must be an object' },
  { label: 'without a name', params: { arguments: { text: 'x' } }, message: 'Invalid tools/call request: params.name must be a string' },
  { label: 'with a numeric name', params: { name: 7 }, message: 'Invalid tools/call request: params.name must be a string' },
  { label: 'with _meta a string', params: { name: 'up_echo', arguments: { text: 'x' }, _meta: 'tok' }, message: 'Invalid tools/call request: params._meta must be an object' },
  { label: 'with _meta an array', params: { name: 'up_echo', arguments: { text: 'x' }, _meta: [] }, message: 'Invalid tools/call request: params._meta must be an object' },
  { label: 'with _meta null', params: { name: 'up_echo', arguments: { text: 'x' }, _meta: null }, message: 'Invalid tools/call request: params._meta must be an object' },
];

test('tools/call with bad params gets an InvalidParams error response and the upstream is not called', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    for (const [index, { label, params, message }] of BAD_PARAMS.entries()) {
      const id = `bad-${index}`;
      g.receive({ jsonrpc: '2.0', id, method: 'tools/call', ...(params !== undefined ? { params } : {}) } as JSONRPCMessage);
      await until(() => g.response(id) !== undefined, `the response for params ${label}`);
      expect({ label, response: g.response(id) }).toEqual({ label, response: { jsonrpc: '2.0', id, error: { code: -32602, message } } });
    }
    expect(g.upstream.calls).toEqual([]);
    // Refused before the pipeline: nothing reached the session.
    expect(g.callToolNames).toEqual([]);
    expect(g.logged).toEqual([]);
  } finally {
    await g.close();
  }
});

test('callParams keeps name, arguments and _meta and drops everything else', () => {
  expect(callParams({ name: 'a' })).toEqual({ name: 'a' });
  expect(callParams({ name: 'a', arguments: { x: 1 }, _meta: { progressToken: 3 }, task: { ttl: 1 }, extra: true })).toEqual({ name: 'a', arguments: { x: 1 }, _meta: { progressToken: 3 } });
  // Arguments are checked later, by the pipeline, with a message of its own.
  expect(callParams({ name: '', arguments: 'not an object' })).toEqual({ name: '', arguments: 'not an object' });
});

test('callParams refuses what the pipeline cannot rely on with InvalidParams', () => {
  for (const { params, message } of BAD_PARAMS) {
    let thrown: unknown;
    try {
      callParams(params);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(McpError);
    // McpError's own message carries the prefix; the wire message (above) does not.
    expect(thrown).toMatchObject({ code: ErrorCode.InvalidParams, message: `MCP error -32602: ${message}` });
  }
});

test('notifications/cancelled for a routed call aborts it upstream, and no response is ever sent for it', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    g.receive({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'up_slow', arguments: {} } });
    await until(() => g.upstream.calls.includes('slow'), 'the upstream to start slow');
    g.receive({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 10, reason: 'changed my mind' } });
    await until(() => g.upstream.aborted.length > 0, 'the upstream to see the abort');
    expect(g.upstream.aborted).toEqual([{ what: 'slow', reason: 'The call of "tools/call" on upstream "up" was cancelled' }]);
    await pause(100);
    expect(g.response(10)).toBeUndefined();
    // The session still serves the next call.
    expect(await g.ask(11, 'tools/call', { name: 'up_echo', arguments: { text: 'after' } })).toEqual({
      jsonrpc: '2.0',
      id: 11,
      result: { content: [{ type: 'text', text: 'echo: after' }] },
    });
    expect(g.response(10)).toBeUndefined();
  } finally {
    await g.close();
  }
});

test("progress from the upstream reaches the agent under the agent's token, related to the request, before the response", async () => {
  const g = await gateway();
  try {
    await initialized(g);
    const before = g.sent.length;
    const response = await g.ask('p-1', 'tools/call', { name: 'up_steps', arguments: {}, _meta: { progressToken: 'agent-tok' } });
    expect(response).toEqual({ jsonrpc: '2.0', id: 'p-1', result: { content: [{ type: 'text', text: 'all steps done' }] } });
    expect(g.sent.slice(before)).toEqual([
      {
        message: { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'agent-tok', progress: 1, total: 2, message: 'first' } },
        options: { relatedRequestId: 'p-1' },
      },
      {
        message: { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'agent-tok', progress: 2, total: 2, message: 'second' } },
        options: { relatedRequestId: 'p-1' },
      },
      { message: response, options: undefined },
    ]);
  } finally {
    await g.close();
  }
});

test('without a progress token from the agent no progress is sent', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    const before = g.sent.length;
    const response = await g.ask(20, 'tools/call', { name: 'up_steps', arguments: {} });
    expect(g.upstream.calls).toEqual(['steps']);
    expect(g.sent.slice(before)).toEqual([{ message: response, options: undefined }]);
  } finally {
    await g.close();
  }
});

test('notifications/cancelled for a request other than tools/call (resources/read) aborts it too', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    // An id nobody knows: ignored, nothing is sent, nothing throws.
    const before = g.sent.length;
    expect(() => g.receive({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'nobody', reason: 'x' } })).not.toThrow();
    // A passed-through request: the cancellation reaches its handler and the upstream.
    g.receive({ jsonrpc: '2.0', id: 30, method: 'resources/read', params: { uri: 'slow://one' } });
    await until(() => g.upstream.calls.includes('read slow://one'), 'the upstream to start the read');
    g.receive({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 30, reason: 'not needed' } });
    await until(() => g.upstream.aborted.length > 0, 'the upstream resource read to be aborted');
    expect(g.upstream.aborted.map((entry) => entry.what)).toEqual(['slow-resource']);
    await pause(100);
    expect(g.sent.slice(before)).toEqual([]);
  } finally {
    await g.close();
  }
});

test('when the agent transport closes, calls in flight are aborted upstream and get no response', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    g.receive({ jsonrpc: '2.0', id: 40, method: 'tools/call', params: { name: 'up_slow', arguments: {} } });
    g.receive({ jsonrpc: '2.0', id: 41, method: 'tools/call', params: { name: 'up_slow', arguments: {} } });
    await until(() => g.upstream.calls.length === 2, 'both slow calls to start');
    const before = g.sent.length;
    await g.transport.close();
    await until(() => g.upstream.aborted.length === 2, 'the upstream to see both aborts');
    expect(g.upstream.aborted).toEqual([
      { what: 'slow', reason: 'The call of "tools/call" on upstream "up" was cancelled' },
      { what: 'slow', reason: 'The call of "tools/call" on upstream "up" was cancelled' },
    ]);
    await pause(100);
    expect(g.sent.slice(before)).toEqual([]);
  } finally {
    await g.close();
  }
});

for (const [label, requestId, reason] of [
  ['id 0 and a numeric reason', 0, 42],
  ['id "" and no reason', '', undefined],
  ['a string id and an object reason', 'c-1', { why: 'x' }],
] as const) {
  test(`a cancel with ${label} aborts the call upstream, gets no answer, and the id serves a new call with its own answer`, async () => {
    const g = await gateway();
    try {
      await initialized(g, 'init');
      g.receive({ jsonrpc: '2.0', id: requestId, method: 'tools/call', params: { name: 'up_slow', arguments: {} } });
      await until(() => g.upstream.calls.includes('slow'), 'the upstream to start slow');
      g.receive({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, ...(reason !== undefined && { reason }) } });
      await until(() => g.upstream.aborted.length > 0, 'the upstream to see the abort');
      await pause(50);
      expect(g.response(requestId)).toBeUndefined();
      expect(await g.ask(requestId, 'tools/call', { name: 'up_echo', arguments: { text: 'reused' } })).toEqual({
        jsonrpc: '2.0',
        id: requestId,
        result: { content: [{ type: 'text', text: 'echo: reused' }] },
      });
      await pause(50);
      expect(g.sent.filter(({ message }) => 'id' in message && message.id === requestId && !('method' in message))).toHaveLength(1);
    } finally {
      await g.close();
    }
  });
}

test('a request whose id is still in flight is refused with -32600 and the first keeps its answer', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    g.receive({ jsonrpc: '2.0', id: 50, method: 'tools/call', params: { name: 'up_slow', arguments: {} } });
    await until(() => g.upstream.calls.includes('slow'), 'the upstream to start slow');
    g.receive({ jsonrpc: '2.0', id: 50, method: 'tools/call', params: { name: 'up_echo', arguments: { text: 'second' } } });
    await until(() => g.response(50) !== undefined, 'the refusal');
    expect(g.response(50)).toEqual({ jsonrpc: '2.0', id: 50, error: { code: -32600, message: 'Duplicate request id "50" is still in flight' } });
    expect(g.upstream.calls).toEqual(['slow']);
  } finally {
    await g.close();
  }
});

test('unknown methods, and methods of a capability not announced, are Method not found', async () => {
  const g = await gateway();
  try {
    const init = (await g.ask(0, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'router-test', version: '1' } })) as unknown as { result: { capabilities: Record<string, unknown> } };
    // The in-memory upstream is up at initialize and offers tools and resources, no prompts or completions.
    expect(Object.keys(init.result.capabilities).sort()).toEqual(['resources', 'tools']);
    for (const [index, method] of ['no/such/method', 'prompts/list', 'completion/complete', 'logging/setLevel', 'notifications/cancelled'].entries()) {
      expect(await g.ask(`m-${index}`, method, {})).toEqual({ jsonrpc: '2.0', id: `m-${index}`, error: { code: -32601, message: 'Method not found' } });
    }
    expect(await g.ask('ping', 'ping')).toEqual({ jsonrpc: '2.0', id: 'ping', result: {} });
  } finally {
    await g.close();
  }
});

test('initialize echoes a supported protocol version and offers the latest for any other', async () => {
  const g = await gateway();
  try {
    const old = (await g.ask(1, 'initialize', { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't', version: '1' } })) as unknown as { result: { protocolVersion: string; serverInfo: { name: string } } };
    expect(old.result.protocolVersion).toBe('2025-03-26');
    expect(old.result.serverInfo.name).toBe('mcp-warden');
    const unknown = (await g.ask(2, 'initialize', { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 't', version: '1' } })) as unknown as { result: { protocolVersion: string } };
    expect(unknown.result.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
  } finally {
    await g.close();
  }
});

test('before initialize only ping is answered; the initialize opens the session and requests sent meanwhile wait for it', async () => {
  const { deps, upstream } = gatewayDeps();
  const endpoint = new AgentEndpoint(deps, { agent: 'agent' });
  const agent = agentTransport();
  await endpoint.connect(agent.transport);
  try {
    agent.receive({ jsonrpc: '2.0', id: 1, method: 'ping' });
    agent.receive({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    agent.receive({ jsonrpc: '2.0', id: 3, method: 'initialize', params: { protocolVersion: 42 } });
    await until(() => agent.response(3) !== undefined, 'the refusals');
    expect(agent.sent.map(({ message }) => message)).toEqual([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: 2, error: { code: -32600, message: 'Server not initialized: send "initialize" first' } },
      { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'Server not initialized: send "initialize" first' } },
    ]);
    expect(endpoint.session).toBeUndefined();
    agent.receive({ jsonrpc: '2.0', id: 4, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'late', version: '2' } } });
    agent.receive({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'up_echo', arguments: { text: 'early' } } });
    await until(() => agent.response(5) !== undefined, 'the call sent while the session opened');
    expect(agent.response(4)).toMatchObject({ result: { serverInfo: { name: 'mcp-warden' } } });
    expect(agent.response(5)).toEqual({ jsonrpc: '2.0', id: 5, result: { content: [{ type: 'text', text: 'echo: early' }] } });
    // The initialize was answered first.
    const order = agent.sent.map(({ message }) => (message as { id?: unknown }).id);
    expect(order.indexOf(4)).toBeLessThan(order.indexOf(5));
    expect(endpoint.clientInfo()).toEqual({ name: 'late', version: '2' });
    expect(upstream.calls).toEqual(['echo']);
  } finally {
    await endpoint.close();
  }
});

test('a request nested too deep (other than tools/call) is refused with InvalidParams and reaches nothing', async () => {
  const g = await gateway();
  try {
    await initialized(g);
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 100; level += 1) deep = { deeper: deep };
    expect(await g.ask('deep', 'resources/read', { uri: 'slow://one', deep })).toEqual({
      jsonrpc: '2.0',
      id: 'deep',
      error: { code: -32602, message: 'Invalid params: nested more than 64 levels deep, which mcp-warden refuses' },
    });
    expect(g.upstream.calls).toEqual([]);
  } finally {
    await g.close();
  }
});
