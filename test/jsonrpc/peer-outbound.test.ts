// The Peer's own requests: answers matched by id, error answers as RpcError, cancellation by signal,
// deadlines with progress resets and a total cap, and progress tokens that never collide.
import { afterEach, expect, test, vi } from 'vitest';
import { ErrorCode, McpError, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { settle, wirePair } from './wire-pair.js';

afterEach(() => {
  vi.useRealTimers();
});

function lastRequest(received: JSONRPCMessage[]): { id: string | number; method: string; params?: Record<string, unknown> } {
  return received.at(-1) as never;
}

test('a request resolves with the result that carries its id', async () => {
  const wire = await wirePair();
  const first = wire.peer.request('a', { x: 1 });
  const second = wire.peer.request('b', undefined);
  expect(wire.received).toEqual([
    { jsonrpc: '2.0', id: 0, method: 'a', params: { x: 1 } },
    { jsonrpc: '2.0', id: 1, method: 'b' },
  ]);
  await wire.send({ jsonrpc: '2.0', id: 1, result: { second: true } });
  await wire.send({ jsonrpc: '2.0', id: 0, result: { first: true } });
  await expect(first).resolves.toEqual({ first: true });
  await expect(second).resolves.toEqual({ second: true });
  expect(wire.peer.inFlight).toBe(0);
});

test('idPrefix makes string ids', async () => {
  const wire = await wirePair({ idPrefix: 'w-' });
  const pending = wire.peer.request('a', undefined);
  expect(lastRequest(wire.received).id).toBe('w-0');
  await wire.send({ jsonrpc: '2.0', id: 'w-0', result: {} });
  await expect(pending).resolves.toEqual({});
});

test('an error answer rejects with an RpcError carrying code, message and data', async () => {
  const wire = await wirePair();
  const pending = wire.peer.request('a', undefined);
  await wire.send({ jsonrpc: '2.0', id: 0, error: { code: -32602, message: 'bad params', data: { field: 'x' } } });
  const error = await pending.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(McpError);
  expect(error).toMatchObject({ code: -32602, data: { field: 'x' } });
  expect((error as Error).message).toContain('bad params');
});

test('answers that match nothing, and malformed messages, go to onError', async () => {
  const wire = await wirePair();
  await wire.send({ jsonrpc: '2.0', id: 42, result: {} });
  await wire.send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
  await wire.send({ jsonrpc: '2.0', id: { bad: 1 }, method: 'x' });
  await wire.send({ jsonrpc: '2.0' });
  await wire.send(null);
  await wire.send('text');
  expect(wire.errors).toHaveLength(6);
  expect(wire.received).toEqual([]);
});

test('a result that is not an object rejects the request', async () => {
  const wire = await wirePair();
  const pending = wire.peer.request('a', undefined);
  await wire.send({ jsonrpc: '2.0', id: 0, result: 'nope' });
  await expect(pending).rejects.toThrow('has a result that is not an object');
});

test('aborting the signal sends notifications/cancelled and rejects with the reason', async () => {
  const wire = await wirePair();
  const controller = new AbortController();
  const pending = wire.peer.request('slow', undefined, { signal: controller.signal, relatedRequestId: 'agent-3' });
  controller.abort('no longer needed');
  const error = await pending.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(McpError);
  expect(error).toMatchObject({ code: ErrorCode.RequestTimeout });
  expect((error as Error).message).toContain('no longer needed');
  expect(wire.received[1]).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 0, reason: 'no longer needed' } });
  expect(wire.sendOptions[1]).toEqual({ relatedRequestId: 'agent-3' });
  // The late answer is a stray, reported and dropped.
  await wire.send({ jsonrpc: '2.0', id: 0, result: {} });
  expect(wire.errors).toHaveLength(1);
});

test('an already aborted signal sends nothing and rejects', async () => {
  const wire = await wirePair();
  await expect(wire.peer.request('a', undefined, { signal: AbortSignal.abort('before') })).rejects.toThrow('before');
  expect(wire.received).toEqual([]);
});

test('timeoutMs rejects with RequestTimeout and cancels the request', async () => {
  vi.useFakeTimers();
  const wire = await wirePair();
  const pending = wire.peer.request('slow', undefined, { timeoutMs: 1000 });
  const outcome = pending.catch((caught: unknown) => caught);
  await vi.advanceTimersByTimeAsync(999);
  expect(wire.received).toHaveLength(1);
  await vi.advanceTimersByTimeAsync(1);
  const error = await outcome;
  expect(error).toMatchObject({ code: ErrorCode.RequestTimeout, data: { timeout: 1000 } });
  expect(wire.received[1]).toMatchObject({ method: 'notifications/cancelled', params: { requestId: 0 } });
});

test('the default deadline is 60 s, as the SDK', async () => {
  vi.useFakeTimers();
  const wire = await wirePair();
  const outcome = wire.peer.request('slow', undefined).catch((caught: unknown) => caught);
  await vi.advanceTimersByTimeAsync(59_999);
  expect(wire.peer.inFlight).toBe(1);
  await vi.advanceTimersByTimeAsync(1);
  expect(await outcome).toMatchObject({ code: ErrorCode.RequestTimeout });
});

test('progress goes to onprogress without the token, and resets the deadline when asked', async () => {
  vi.useFakeTimers();
  const wire = await wirePair();
  const seen: unknown[] = [];
  const pending = wire.peer.request('slow', { a: 1 }, { timeoutMs: 1000, resetTimeoutOnProgress: true, onprogress: (progress) => seen.push(progress) });
  const { params } = lastRequest(wire.received);
  const token = (params!._meta as { progressToken: unknown }).progressToken;
  expect(params).toEqual({ a: 1, _meta: { progressToken: token } });
  await vi.advanceTimersByTimeAsync(900);
  await wire.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } });
  await vi.advanceTimersByTimeAsync(900);
  expect(wire.peer.inFlight).toBe(1);
  await wire.send({ jsonrpc: '2.0', id: 0, result: { done: true } });
  await expect(pending).resolves.toEqual({ done: true });
  expect(seen).toEqual([{ progress: 1, total: 2 }]);
});

test('without resetTimeoutOnProgress, progress does not extend the deadline', async () => {
  vi.useFakeTimers();
  const wire = await wirePair();
  const outcome = wire.peer.request('slow', undefined, { timeoutMs: 1000, onprogress: () => {} }).catch((caught: unknown) => caught);
  const token = (lastRequest(wire.received).params!._meta as { progressToken: unknown }).progressToken;
  await vi.advanceTimersByTimeAsync(900);
  await wire.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 1 } });
  await vi.advanceTimersByTimeAsync(100);
  expect(await outcome).toMatchObject({ code: ErrorCode.RequestTimeout, message: expect.stringContaining('Request timed out') as string });
});

test('maxTotalTimeoutMs caps the wait however much progress arrives', async () => {
  vi.useFakeTimers();
  const wire = await wirePair();
  const outcome = wire.peer
    .request('slow', undefined, { timeoutMs: 1000, resetTimeoutOnProgress: true, maxTotalTimeoutMs: 2500, onprogress: () => {} })
    .catch((caught: unknown) => caught);
  const token = (lastRequest(wire.received).params!._meta as { progressToken: unknown }).progressToken;
  for (let step = 0; step < 3; step += 1) {
    await vi.advanceTimersByTimeAsync(900);
    await wire.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: step } });
  }
  const error = await outcome;
  expect(error).toMatchObject({ code: ErrorCode.RequestTimeout, data: { maxTotalTimeout: 2500 } });
  expect(wire.received.at(-1)).toMatchObject({ method: 'notifications/cancelled', params: { requestId: 0 } });
});

test('our progress token never collides with the token a caller put in params', async () => {
  const wire = await wirePair();
  // The caller forwards a request carrying the other side's token 1, which is also our next id.
  void wire.peer.request('forwarded', { _meta: { progressToken: 1 } }).catch(() => {});
  const tokens: unknown[] = [];
  void wire.peer.request('mine', { _meta: { progressToken: 1 } }, { onprogress: (progress) => tokens.push(progress) }).catch(() => {});
  const ours = (lastRequest(wire.received).params!._meta as { progressToken: unknown }).progressToken;
  expect(ours).not.toBe(1);
  await wire.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: ours, progress: 5 } });
  expect(tokens).toEqual([{ progress: 5 }]);
});

test('progress for a token that is not ours goes to onNotification', async () => {
  const seen: unknown[] = [];
  const wire = await wirePair({ onNotification: (method, params) => void seen.push([method, params]) });
  void wire.peer.request('forwarded', { _meta: { progressToken: 'agent-token' } }).catch(() => {});
  await wire.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'agent-token', progress: 1 } });
  expect(seen).toEqual([['notifications/progress', { progressToken: 'agent-token', progress: 1 }]]);
});

test('a request or notification related to an inbound one goes out with relatedRequestId', async () => {
  const wire = await wirePair();
  void wire.peer.request('elicitation/create', { message: 'ok?' }, { relatedRequestId: 5 }).catch(() => {});
  await wire.peer.notify('notifications/progress', { progressToken: 1, progress: 1 }, { relatedRequestId: 'x' });
  await wire.peer.notify('notifications/tools/list_changed');
  expect(wire.sendOptions).toEqual([{ relatedRequestId: 5 }, { relatedRequestId: 'x' }, undefined]);
  expect(wire.received.at(-1)).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
});

test('a failed send rejects the request and frees its id', async () => {
  const wire = await wirePair();
  // The link is cut without telling the Peer: the transport's send throws.
  const near = (wire.raw as unknown as { _otherTransport: { _otherTransport?: unknown } })._otherTransport;
  near._otherTransport = undefined;
  await expect(wire.peer.request('a', undefined)).rejects.toThrow('Not connected');
  expect(wire.peer.inFlight).toBe(0);
});

test('close rejects every pending request, aborts every handler and drops late answers', async () => {
  const signals: AbortSignal[] = [];
  let finish: ((value: Record<string, unknown>) => void) | undefined;
  const wire = await wirePair({
    onRequest: (request) => {
      signals.push(request.signal);
      return new Promise((resolve) => (finish = resolve));
    },
  });
  let closed = 0;
  wire.peer.onclose = () => void (closed += 1);
  const pending = wire.peer.request('a', undefined);
  await wire.send({ jsonrpc: '2.0', id: 'in-1', method: 'slow' });
  await wire.peer.close();
  await expect(pending).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringContaining('Connection closed') as string });
  expect(signals[0]!.aborted).toBe(true);
  expect(closed).toBe(1);
  expect(wire.peer.inFlight).toBe(0);
  const before = wire.received.length;
  finish!({ late: true });
  await settle();
  expect(wire.received).toHaveLength(before);
  await wire.peer.notify('notifications/message', { level: 'info' });
  await wire.peer.close();
  expect(closed).toBe(1);
  expect(wire.errors).toEqual([]);
});

test('a request after close rejects at once', async () => {
  const wire = await wirePair();
  await wire.peer.close();
  await expect(wire.peer.request('a', undefined)).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
});

test('the other side closing has the same effect as close()', async () => {
  const wire = await wirePair();
  const pending = wire.peer.request('a', undefined);
  await wire.raw.close();
  await expect(pending).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
  expect(wire.peer.closed).toBe(true);
});

test('a request on behalf of an aborted inbound request rejects without sending', async () => {
  let inbound: import('../../src/jsonrpc/types.js').InboundRequest | undefined;
  const wire = await wirePair({
    onRequest: (request) => {
      inbound = request;
      return new Promise(() => {});
    },
  });
  await wire.send({ jsonrpc: '2.0', id: 1, method: 'tools/call' });
  const pending = inbound!.request('elicitation/create', {});
  expect(lastRequest(wire.received)).toMatchObject({ id: 0, method: 'elicitation/create' });
  await wire.send({ jsonrpc: '2.0', id: 0, result: { action: 'accept' } });
  await expect(pending).resolves.toEqual({ action: 'accept' });
  await wire.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
  const count = wire.received.length;
  await expect(inbound!.request('elicitation/create', {})).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed });
  expect(wire.received).toHaveLength(count);
});

test('with cancelReason, an abort tells the other side that reason, never the signal\'s', async () => {
  const wire = await wirePair();
  const controller = new AbortController();
  const pending = wire.peer.request('slow', undefined, { signal: controller.signal, cancelReason: 'The call was cancelled' });
  controller.abort('the agent said something private');
  const error = await pending.catch((caught: unknown) => caught);
  expect((error as Error).message).toContain('The call was cancelled');
  expect(wire.received[1]).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 0, reason: 'The call was cancelled' } });
});
