// What ClientUpstream writes to its transport and how it reads the answers, over a fake transport
// that records every message: string ids, results and errors, progress under the request's own token,
// cancellation, a lost connection, a failing send, and no listener left behind on a long-lived signal.
// (These were DirectCalls' tests; the same behaviour now lives in the one Peer under ClientUpstream.)
import { getEventListeners } from 'node:events';
import { afterEach, expect, test } from 'vitest';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION, McpError, type JSONRPCMessage, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { ClientUpstream } from '../../src/upstream/client-upstream.js';
import type { UpstreamHooks } from '../../src/upstream/types.js';

/** A transport that answers initialize, keeps every later message sent, and whose send can be made to fail. */
function fakeTransport(options: { fail?: Error } = {}) {
  const sent: JSONRPCMessage[] = [];
  let ready = false;
  const transport: Transport = {
    async start() {},
    async close() {
      transport.onclose?.();
    },
    async send(message) {
      if ('method' in message && message.method === 'initialize' && 'id' in message) {
        const answer = { jsonrpc: '2.0' as const, id: message.id, result: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1' } } };
        queueMicrotask(() => transport.onmessage?.(answer));
        return;
      }
      if ('method' in message && message.method === 'notifications/initialized') {
        ready = true;
        return;
      }
      if (ready && options.fail) throw options.fail;
      sent.push(message);
    },
  };
  /** Delivers a message from the server. */
  const receive = (message: JSONRPCMessage): void => transport.onmessage?.(message);
  return { transport, sent, receive };
}

const open: ClientUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

/** A connected ClientUpstream on a fake transport, with what it reported and what its hooks saw. */
async function connected(options: { fail?: Error; hooks?: UpstreamHooks } = {}) {
  const fake = fakeTransport(options);
  const errors: string[] = [];
  const notifications: string[] = [];
  const upstream = new ClientUpstream({
    id: 'fake',
    connectTransport: () => fake.transport,
    hooks: { onNotification: (notification) => void notifications.push(notification.method), ...options.hooks },
    onError: (error) => void errors.push(error.message),
  });
  open.push(upstream);
  await upstream.connect();
  return { upstream, ...fake, errors, notifications };
}

/** Lets pending promise callbacks (a rejected send, a settled request) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('the handshake is ours: initialize with the latest protocol version under warden-0, then notifications/initialized', async () => {
  const seen: JSONRPCMessage[] = [];
  const { transport } = fakeTransport();
  const send = transport.send.bind(transport);
  transport.send = async (message, sendOptions) => {
    seen.push(message);
    return send(message, sendOptions);
  };
  const upstream = new ClientUpstream({ id: 'fake', connectTransport: () => transport, clientInfo: { name: 'warden-test', version: '9' } });
  open.push(upstream);
  expect(await upstream.connect()).toEqual({ capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1' } });
  expect(seen).toEqual([
    { jsonrpc: '2.0', id: 'warden-0', method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'warden-test', version: '9' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
  ]);
});

test('requests get the string ids warden-1, warden-2 and resolve with the result of their own response', async () => {
  const { upstream, sent, receive, errors } = await connected();
  const first = upstream.callTool({ name: 'echo', arguments: { text: 'a' } });
  const second = upstream.request('tools/list', {});
  await settle();
  expect(sent).toEqual([
    { jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'echo', arguments: { text: 'a' } } },
    { jsonrpc: '2.0', id: 'warden-2', method: 'tools/list', params: {} },
  ]);
  receive({ jsonrpc: '2.0', id: 'warden-2', result: { tools: [] } });
  receive({ jsonrpc: '2.0', id: 'warden-1', result: { content: [{ type: 'text', text: 'a' }] } });
  await expect(first).resolves.toEqual({ content: [{ type: 'text', text: 'a' }] });
  await expect(second).resolves.toEqual({ tools: [] });
  // Answered once: the same id again belongs to nobody.
  expect(errors).toEqual([]);
  receive({ jsonrpc: '2.0', id: 'warden-1', result: {} });
  expect(errors).toEqual([expect.stringContaining('matches no request')]);
});

test('responses with a numeric or unknown id answer nothing and are reported; unrelated messages go to the hooks', async () => {
  const requests: string[] = [];
  const { upstream, receive, sent, errors, notifications } = await connected({
    hooks: { onRequest: async (request) => (requests.push(request.method), {}) },
  });
  const pending = upstream.callTool({ name: 'echo' });
  await settle();
  receive({ jsonrpc: '2.0', id: 1, result: {} });
  receive({ jsonrpc: '2.0', id: 'warden-99', result: {} });
  receive({ jsonrpc: '2.0', id: 'other-1', error: { code: -32603, message: 'x' } });
  expect(errors).toHaveLength(3);
  receive({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'warden-1' } });
  receive({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
  expect(notifications).toEqual(['notifications/message', 'notifications/tools/list_changed']);
  // A server request that happens to use our id is the server's own request, answered under its id.
  receive({ jsonrpc: '2.0', id: 'warden-1', method: 'ping' });
  await settle();
  expect(sent.at(-1)).toEqual({ jsonrpc: '2.0', id: 'warden-1', result: {} });
  // The request is still pending after all of that.
  receive({ jsonrpc: '2.0', id: 'warden-1', result: { content: [] } });
  await expect(pending).resolves.toEqual({ content: [] });
  expect(requests).toEqual([]);
});

test('an error response rejects with UPSTREAM_ERROR whose cause is an McpError carrying code, message and data', async () => {
  const { upstream, receive } = await connected();
  const pending = upstream.callTool({ name: 'broken' });
  await settle();
  receive({ jsonrpc: '2.0', id: 'warden-1', error: { code: -32602, message: 'Unknown tool: broken', data: { tool: 'broken' } } });
  const error = (await pending.catch((caught: unknown) => caught)) as Error;
  expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Upstream "fake" answered "tools/call" with error -32602: Unknown tool: broken' });
  expect(error.cause).toBeInstanceOf(McpError);
  expect(error.cause).toMatchObject({ code: -32602, message: 'MCP error -32602: Unknown tool: broken', data: { tool: 'broken' } });
});

test('with onprogress the request carries its id as progressToken, keeps other _meta keys, and takes only its own progress', async () => {
  const { upstream, sent, receive, notifications } = await connected();
  const seen: Progress[] = [];
  const pending = upstream.callTool({ name: 'slow', _meta: { traceId: 't-1', progressToken: 'agent-token' } }, { onprogress: (progress) => seen.push(progress) });
  await settle();
  expect(sent).toEqual([{ jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'slow', _meta: { traceId: 't-1', progressToken: 'warden-1' } } }]);

  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 1, total: 3 } });
  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 2, total: 3, message: 'half' } });
  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-7', progress: 9 } });
  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 9 } });
  // The caller's progress is the numbers; the token was ours and stays with us.
  expect(seen).toEqual([
    { progress: 1, total: 3 },
    { progress: 2, total: 3, message: 'half' },
  ]);

  receive({ jsonrpc: '2.0', id: 'warden-1', result: { content: [] } });
  await expect(pending).resolves.toEqual({ content: [] });
  // After the response the token is no longer ours.
  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 3 } });
  expect(seen).toHaveLength(2);
  // Progress for nobody is never handed on as a notification.
  expect(notifications).toEqual([]);
});

test('without onprogress the params are sent exactly as given', async () => {
  const { upstream, sent, receive, notifications } = await connected();
  void upstream.callTool({ name: 'x', _meta: { traceId: 't-2' } }).catch(() => undefined);
  await settle();
  expect(sent).toEqual([{ jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'x', _meta: { traceId: 't-2' } } }]);
  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 1 } });
  expect(notifications).toEqual([]);
});

test('aborting rejects with CANCELLED, sends one notifications/cancelled naming the call (not the caller\'s reason), and a late response is not taken', async () => {
  const { upstream, sent, receive, errors } = await connected();
  const controller = new AbortController();
  const pending = upstream.callTool({ name: 'slow' }, { signal: controller.signal, onprogress: () => {} });
  await settle();
  controller.abort('the agent gave up');
  await expect(pending).rejects.toMatchObject({ code: 'CANCELLED', message: 'The call of "tools/call" on upstream "fake" was cancelled' });
  await settle();
  expect(sent).toEqual([
    { jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'slow', _meta: { progressToken: 'warden-1' } } },
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'warden-1', reason: 'The call of "tools/call" on upstream "fake" was cancelled' } },
  ]);
  receive({ jsonrpc: '2.0', id: 'warden-1', result: { content: [] } });
  expect(errors).toEqual([expect.stringContaining('matches no request')]);
  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 1 } });
  await settle();
  expect(sent).toHaveLength(2);
});

test('an abort after the response has no effect: nothing more is sent', async () => {
  const { upstream, sent, receive } = await connected();
  const controller = new AbortController();
  const pending = upstream.callTool({ name: 'quick' }, { signal: controller.signal });
  await settle();
  receive({ jsonrpc: '2.0', id: 'warden-1', result: { content: [], ok: true } });
  controller.abort('too late');
  await expect(pending).resolves.toEqual({ content: [], ok: true });
  await settle();
  expect(sent.map((message) => ('method' in message ? message.method : undefined))).toEqual(['tools/call']);
});

test('an already-aborted signal rejects without sending anything or using an id', async () => {
  const { upstream, sent } = await connected();
  await expect(upstream.callTool({ name: 'x' }, { signal: AbortSignal.abort(new Error('aborted before it started')) })).rejects.toMatchObject({ code: 'CANCELLED' });
  expect(sent).toEqual([]);
  void upstream.callTool({ name: 'y' }).catch(() => undefined);
  await settle();
  expect(sent).toEqual([{ jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'y' } }]);
});

test('a connection that closes rejects every pending request with UPSTREAM_EXITED, and their late answers resolve nothing', async () => {
  const disconnects: string[] = [];
  const { upstream, sent, receive, transport } = await connected({ hooks: { onDisconnect: (error) => void disconnects.push(error.message) } });
  const first = upstream.callTool({ name: 'a' });
  const second = upstream.callTool({ name: 'b' }, { onprogress: () => {} });
  await settle();
  transport.onclose?.();
  await expect(first).rejects.toMatchObject({ code: 'UPSTREAM_EXITED', message: 'Upstream "fake" closed the connection while handling "tools/call"; it restarts on the next call' });
  await expect(second).rejects.toMatchObject({ code: 'UPSTREAM_EXITED' });
  expect(disconnects).toEqual(['Upstream "fake" closed the connection; it restarts on the next call']);
  receive({ jsonrpc: '2.0', id: 'warden-1', result: {} });
  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-2', progress: 1 } });
  await settle();
  // Nothing more went out on the closed connection (the next call makes a new one).
  expect(sent).toHaveLength(2);
});

test('a send that rejects fails the request (the connection is dropped), leaves nothing pending and no listener behind', async () => {
  const broken = new Error('write EPIPE');
  const { upstream, sent, receive, errors } = await connected({ fail: broken });
  const controller = new AbortController();
  const error = (await upstream.callTool({ name: 'x' }, { signal: controller.signal, onprogress: () => {} }).catch((caught: unknown) => caught)) as Error;
  expect(error).toMatchObject({ code: 'UPSTREAM_EXITED', message: 'Upstream "fake" failed (write EPIPE) while handling "tools/call"; it restarts on the next call' });
  expect(error.cause).toBe(broken);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  receive({ jsonrpc: '2.0', id: 'warden-1', result: {} });
  receive({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 1 } });
  controller.abort('later');
  await settle();
  expect(sent).toEqual([]);
  expect(errors).toEqual([]);
});

test('no abort listener is left on a long-lived signal after 1,000 completed requests', async () => {
  const { upstream, sent, receive } = await connected();
  const controller = new AbortController();
  const { signal } = controller;
  for (let i = 1; i <= 1000; i += 1) {
    const pending = upstream.callTool({ name: 'echo', arguments: { i } }, { signal });
    await settle();
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    if (i % 2 === 0) receive({ jsonrpc: '2.0', id: `warden-${i}`, result: { content: [], i } });
    else receive({ jsonrpc: '2.0', id: `warden-${i}`, error: { code: -32000, message: `failed ${i}` } });
    await pending.catch(() => {});
  }
  expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  expect(sent).toHaveLength(1000);
  expect(sent.at(-1)).toMatchObject({ id: 'warden-1000' });
  controller.abort('done');
  await settle();
  expect(sent).toHaveLength(1000);
});

test("an error answer with a timeout's code and data is the server's error, not our deadline", async () => {
  const { upstream, receive } = await connected();
  const pending = upstream.callTool({ name: 'x' }, { timeoutMs: 5000 });
  await settle();
  receive({ jsonrpc: '2.0', id: 'warden-1', error: { code: -32001, message: 'Request timed out', data: { timeout: 5000 } } });
  await expect(pending).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Upstream "fake" answered "tools/call" with error -32001: Request timed out' });
});

test('a result that is not an object fails that call as an invalid answer, and the connection serves on', async () => {
  const { upstream, receive, sent } = await connected();
  const pending = upstream.callTool({ name: 'x' });
  await settle();
  receive({ jsonrpc: '2.0', id: 'warden-1', result: 'done' } as never);
  await expect(pending).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Upstream "fake" sent an invalid answer to "tools/call"' });
  const next = upstream.callTool({ name: 'y' });
  await settle();
  receive({ jsonrpc: '2.0', id: 'warden-2', result: { content: [] } });
  await expect(next).resolves.toEqual({ content: [] });
  expect(sent).toHaveLength(2);
});
