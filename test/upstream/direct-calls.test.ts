// DirectCalls over a fake transport that records what is written: string ids, results and errors,
// progress under the request's own token, cancellation, close, a failing send, and no listener left
// behind on a long-lived signal.
import { getEventListeners } from 'node:events';
import { expect, test } from 'vitest';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError, type JSONRPCMessage, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { DirectCalls } from '../../src/upstream/direct-calls.js';

/** A transport that keeps every message sent, and whose send can be made to fail. */
function fakeTransport(options: { fail?: Error } = {}) {
  const sent: JSONRPCMessage[] = [];
  const transport: Transport = {
    async start() {},
    async close() {},
    async send(message) {
      if (options.fail) throw options.fail;
      sent.push(message);
    },
  };
  return { transport, sent };
}

/** Lets pending promise callbacks (a rejected send, a settled request) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('requests get the string ids warden-1, warden-2 and resolve with the result of their own response', async () => {
  const { transport, sent } = fakeTransport();
  const calls = new DirectCalls(transport);
  const first = calls.request('tools/call', { name: 'echo', arguments: { text: 'a' } });
  const second = calls.request('tools/list', {});
  expect(sent).toEqual([
    { jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'echo', arguments: { text: 'a' } } },
    { jsonrpc: '2.0', id: 'warden-2', method: 'tools/list', params: {} },
  ]);
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-2', result: { tools: [] } })).toBe(true);
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', result: { content: [{ type: 'text', text: 'a' }] } })).toBe(true);
  await expect(first).resolves.toEqual({ content: [{ type: 'text', text: 'a' }] });
  await expect(second).resolves.toEqual({ tools: [] });
  // Answered once: the same id again belongs to nobody.
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', result: {} })).toBe(false);
});

test('responses with a numeric or unknown id, and unrelated notifications, are left to the SDK client', () => {
  const { transport } = fakeTransport();
  const calls = new DirectCalls(transport);
  void calls.request('tools/call', { name: 'echo' });
  expect(calls.take({ jsonrpc: '2.0', id: 1, result: {} })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-99', result: {} })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', id: 'other-1', error: { code: -32603, message: 'x' } })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'warden-1' } })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', method: 'ping' })).toBe(false);
  // The request is still pending after all of that.
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', result: {} })).toBe(true);
});

test('an error response rejects with an McpError carrying code, message and data', async () => {
  const { transport } = fakeTransport();
  const calls = new DirectCalls(transport);
  const pending = calls.request('tools/call', { name: 'broken' });
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', error: { code: -32602, message: 'Unknown tool: broken', data: { tool: 'broken' } } })).toBe(true);
  const error = await pending.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(McpError);
  expect(error).toMatchObject({ code: -32602, message: 'MCP error -32602: Unknown tool: broken', data: { tool: 'broken' } });
});

test('with onprogress the request carries its id as progressToken, keeps other _meta keys, and takes only its own progress', async () => {
  const { transport, sent } = fakeTransport();
  const calls = new DirectCalls(transport);
  const seen: Progress[] = [];
  const pending = calls.request('tools/call', { name: 'slow', _meta: { traceId: 't-1', progressToken: 'agent-token' } }, { onprogress: (progress) => seen.push(progress) });
  expect(sent).toEqual([{ jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'slow', _meta: { traceId: 't-1', progressToken: 'warden-1' } } }]);

  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 1, total: 3 } })).toBe(true);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 2, total: 3, message: 'half' } })).toBe(true);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-7', progress: 9 } })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 9 } })).toBe(false);
  expect(seen).toEqual([
    { progressToken: 'warden-1', progress: 1, total: 3 },
    { progressToken: 'warden-1', progress: 2, total: 3, message: 'half' },
  ]);

  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', result: { content: [] } })).toBe(true);
  await expect(pending).resolves.toEqual({ content: [] });
  // After the response the token is no longer ours.
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 3 } })).toBe(false);
  expect(seen).toHaveLength(2);
});

test('without onprogress the params are sent exactly as given', () => {
  const { transport, sent } = fakeTransport();
  const calls = new DirectCalls(transport);
  void calls.request('tools/call', { name: 'x', _meta: { traceId: 't-2' } });
  expect(sent).toEqual([{ jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'x', _meta: { traceId: 't-2' } } }]);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 1 } })).toBe(true);
});

test('aborting rejects with the reason, sends one notifications/cancelled, and a late response is not taken', async () => {
  const { transport, sent } = fakeTransport();
  const calls = new DirectCalls(transport);
  const controller = new AbortController();
  const pending = calls.request('tools/call', { name: 'slow' }, { signal: controller.signal });
  controller.abort('the agent gave up');
  await expect(pending).rejects.toBe('the agent gave up');
  expect(sent).toEqual([
    { jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'slow' } },
    { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'warden-1', reason: 'the agent gave up' } },
  ]);
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', result: { content: [] } })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 1 } })).toBe(false);
  expect(sent).toHaveLength(2);
});

test('an abort after the response has no effect: nothing more is sent', async () => {
  const { transport, sent } = fakeTransport();
  const calls = new DirectCalls(transport);
  const controller = new AbortController();
  const pending = calls.request('tools/call', { name: 'quick' }, { signal: controller.signal });
  calls.take({ jsonrpc: '2.0', id: 'warden-1', result: { ok: true } });
  controller.abort('too late');
  await expect(pending).resolves.toEqual({ ok: true });
  expect(sent.map((message) => ('method' in message ? message.method : undefined))).toEqual(['tools/call']);
});

test('an already-aborted signal rejects without sending anything or using an id', async () => {
  const { transport, sent } = fakeTransport();
  const calls = new DirectCalls(transport);
  const reason = new Error('aborted before it started');
  await expect(calls.request('tools/call', { name: 'x' }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  expect(sent).toEqual([]);
  void calls.request('tools/call', { name: 'y' });
  expect(sent).toEqual([{ jsonrpc: '2.0', id: 'warden-1', method: 'tools/call', params: { name: 'y' } }]);
});

test('close(error) rejects every pending request with it, and later requests at once without sending', async () => {
  const { transport, sent } = fakeTransport();
  const calls = new DirectCalls(transport);
  const first = calls.request('tools/call', { name: 'a' });
  const second = calls.request('tools/call', { name: 'b' }, { onprogress: () => {} });
  const gone = new Error('Connection closed');
  calls.close(gone);
  await expect(first).rejects.toBe(gone);
  await expect(second).rejects.toBe(gone);
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', result: {} })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-2', progress: 1 } })).toBe(false);

  await expect(calls.request('tools/call', { name: 'c' })).rejects.toBe(gone);
  // A second close keeps the first error.
  calls.close(new Error('other'));
  await expect(calls.request('tools/call', { name: 'd' })).rejects.toBe(gone);
  expect(sent).toHaveLength(2);
});

test('a send that rejects rejects the request with its error and leaves nothing pending', async () => {
  const broken = new Error('write EPIPE');
  const { transport, sent } = fakeTransport({ fail: broken });
  const calls = new DirectCalls(transport);
  const controller = new AbortController();
  await expect(calls.request('tools/call', { name: 'x' }, { signal: controller.signal, onprogress: () => {} })).rejects.toBe(broken);
  expect(calls.take({ jsonrpc: '2.0', id: 'warden-1', result: {} })).toBe(false);
  expect(calls.take({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'warden-1', progress: 1 } })).toBe(false);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  controller.abort('later');
  await settle();
  expect(sent).toEqual([]);
});

test('no abort listener is left on a long-lived signal after 1,000 completed requests', async () => {
  const { transport, sent } = fakeTransport();
  const calls = new DirectCalls(transport);
  const controller = new AbortController();
  const { signal } = controller;
  for (let i = 1; i <= 1000; i += 1) {
    const pending = calls.request('tools/call', { name: 'echo', arguments: { i } }, { signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    if (i % 2 === 0) calls.take({ jsonrpc: '2.0', id: `warden-${i}`, result: { i } });
    else calls.take({ jsonrpc: '2.0', id: `warden-${i}`, error: { code: -32000, message: `failed ${i}` } });
    await pending.catch(() => {});
  }
  expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  expect(sent).toHaveLength(1000);
  expect(sent.at(-1)).toMatchObject({ id: 'warden-1000' });
  controller.abort('done');
  await settle();
  expect(sent).toHaveLength(1000);
});
