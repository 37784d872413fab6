// The Peer serving the other side's requests: answers, errors through toRpcError, the inbound id
// table (duplicates refused, ids free again after answer or cancel), and cancellation by any id.
import { expect, test } from 'vitest';
import type { InboundRequest } from '../../src/jsonrpc/types.js';
import { deferred, settle, wirePair } from './wire-pair.js';

test('answers a request with the handler result', async () => {
  const wire = await wirePair({ onRequest: async (request) => ({ echo: request.method, params: request.params ?? null }) });
  await wire.send({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { a: 1 } });
  await settle();
  expect(wire.received).toEqual([{ jsonrpc: '2.0', id: 1, result: { echo: 'tools/list', params: { a: 1 } } }]);
  expect(wire.peer.inFlight).toBe(0);
});

test('a throw becomes the error answer made by toRpcError', async () => {
  const wire = await wirePair({
    onRequest: async () => {
      throw new Error('boom');
    },
    toRpcError: (error) => ({ code: -32001, message: `converted: ${(error as Error).message}`, data: { x: 1 } }),
  });
  await wire.send({ jsonrpc: '2.0', id: 'a', method: 'x' });
  await settle();
  expect(wire.received).toEqual([{ jsonrpc: '2.0', id: 'a', error: { code: -32001, message: 'converted: boom', data: { x: 1 } } }]);
});

test('a toRpcError that throws still answers, with an internal error, and reports it', async () => {
  const wire = await wirePair({
    onRequest: async () => {
      throw new Error('boom');
    },
    toRpcError: () => {
      throw new Error('converter broke');
    },
  });
  await wire.send({ jsonrpc: '2.0', id: 1, method: 'x' });
  await settle();
  expect(wire.received).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } }]);
  expect(wire.errors.map((error) => error.message)).toEqual(['converter broke']);
});

test('a duplicate id still in flight is refused with -32600 and the first request keeps its answer', async () => {
  const first = deferred<Record<string, unknown>>();
  const wire = await wirePair({ onRequest: () => first.promise });
  await wire.send({ jsonrpc: '2.0', id: 7, method: 'slow' });
  await wire.send({ jsonrpc: '2.0', id: 7, method: 'slow' });
  await settle();
  expect(wire.received).toEqual([{ jsonrpc: '2.0', id: 7, error: { code: -32600, message: 'Duplicate request id "7" is still in flight' } }]);
  first.resolve({ first: true });
  await settle();
  expect(wire.received[1]).toEqual({ jsonrpc: '2.0', id: 7, result: { first: true } });
  expect(wire.received).toHaveLength(2);
});

test('ids 1 and "1" are different requests', async () => {
  const gate = deferred<Record<string, unknown>>();
  const wire = await wirePair({ onRequest: () => gate.promise });
  await wire.send({ jsonrpc: '2.0', id: 1, method: 'a' });
  await wire.send({ jsonrpc: '2.0', id: '1', method: 'a' });
  expect(wire.peer.inFlight).toBe(2);
  gate.resolve({});
  await settle();
  expect(wire.received.map((message) => (message as { id: unknown }).id)).toEqual([1, '1']);
});

test('an id is free again after its answer', async () => {
  let n = 0;
  const wire = await wirePair({ onRequest: async () => ({ n: ++n }) });
  await wire.send({ jsonrpc: '2.0', id: 3, method: 'a' });
  await settle();
  await wire.send({ jsonrpc: '2.0', id: 3, method: 'a' });
  await settle();
  expect(wire.received).toEqual([
    { jsonrpc: '2.0', id: 3, result: { n: 1 } },
    { jsonrpc: '2.0', id: 3, result: { n: 2 } },
  ]);
});

for (const requestId of [0, '', 5, 'call-1']) {
  test(`a cancel for id ${JSON.stringify(requestId)} aborts the handler, sends no answer and frees the id`, async () => {
    const handlers: InboundRequest[] = [];
    const gates: Array<ReturnType<typeof deferred<Record<string, unknown>>>> = [];
    const wire = await wirePair({
      onRequest: (request) => {
        handlers.push(request);
        const gate = deferred<Record<string, unknown>>();
        gates.push(gate);
        request.signal.addEventListener('abort', () => gate.resolve({ late: true }));
        return gate.promise;
      },
    });
    await wire.send({ jsonrpc: '2.0', id: requestId, method: 'slow' });
    await wire.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'user stopped it' } });
    await settle();
    expect(handlers[0]!.signal.aborted).toBe(true);
    expect(handlers[0]!.signal.reason).toBe('user stopped it');
    expect(wire.abandoned).toEqual([requestId]);
    expect(wire.received).toEqual([]);
    // The reused id gets its own answer, never the first one's.
    await wire.send({ jsonrpc: '2.0', id: requestId, method: 'again' });
    gates[1]!.resolve({ second: true });
    await settle();
    expect(wire.received).toEqual([{ jsonrpc: '2.0', id: requestId, result: { second: true } }]);
  });
}

for (const reason of [42, null, { text: 'why' }, undefined]) {
  test(`a cancel with reason ${JSON.stringify(reason)} aborts with the default text`, async () => {
    let signal: AbortSignal | undefined;
    const wire = await wirePair({
      onRequest: (request) => {
        signal = request.signal;
        return new Promise(() => {});
      },
    });
    await wire.send({ jsonrpc: '2.0', id: 1, method: 'slow' });
    await wire.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, ...(reason !== undefined && { reason }) } });
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toBe('Cancelled by the other side');
    expect(wire.peer.inFlight).toBe(0);
    expect(wire.errors).toEqual([]);
  });
}

test('a signal first read after the cancel is already aborted', async () => {
  let request: InboundRequest | undefined;
  const gate = deferred<Record<string, unknown>>();
  const wire = await wirePair({
    onRequest: (inbound) => {
      request = inbound;
      return gate.promise;
    },
  });
  await wire.send({ jsonrpc: '2.0', id: 1, method: 'slow' });
  await wire.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'stop' } });
  expect(request!.signal.aborted).toBe(true);
  expect(request!.signal.reason).toBe('stop');
});

test('cancels for unknown ids, or without a usable id, are ignored', async () => {
  const notifications: string[] = [];
  const wire = await wirePair({ onNotification: (method) => void notifications.push(method) });
  await wire.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } });
  await wire.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: { nested: 1 } } });
  await wire.send({ jsonrpc: '2.0', method: 'notifications/cancelled' });
  expect(notifications).toEqual([]);
  expect(wire.abandoned).toEqual([]);
  expect(wire.errors).toEqual([]);
});

test('progressToken comes from params._meta when it is a string or number', async () => {
  const tokens: unknown[] = [];
  const wire = await wirePair({ onRequest: async (request) => (tokens.push(request.progressToken), {}) });
  await wire.send({ jsonrpc: '2.0', id: 1, method: 'a', params: { _meta: { progressToken: 0 } } });
  await wire.send({ jsonrpc: '2.0', id: 2, method: 'a', params: { _meta: { progressToken: 'p' } } });
  await wire.send({ jsonrpc: '2.0', id: 3, method: 'a', params: { _meta: { progressToken: { no: 1 } } } });
  await wire.send({ jsonrpc: '2.0', id: 4, method: 'a' });
  await settle();
  expect(tokens).toEqual([0, 'p', undefined, undefined]);
});

test('notify on a request goes out related to it, and is a no-op once the request is aborted', async () => {
  let request: InboundRequest | undefined;
  const wire = await wirePair({
    onRequest: (inbound) => {
      request = inbound;
      return new Promise(() => {});
    },
  });
  await wire.send({ jsonrpc: '2.0', id: 1, method: 'slow' });
  await request!.notify('notifications/progress', { progressToken: 't', progress: 1 });
  expect(wire.received).toEqual([{ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } }]);
  await wire.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
  await request!.notify('notifications/progress', { progressToken: 't', progress: 2 });
  expect(wire.received).toHaveLength(1);
});

test('notifications other than cancel go to onNotification', async () => {
  const seen: Array<[string, unknown]> = [];
  const wire = await wirePair({ onNotification: (method, params) => void seen.push([method, params]) });
  await wire.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  await wire.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'not-ours', progress: 1 } });
  expect(seen).toEqual([
    ['notifications/initialized', undefined],
    ['notifications/progress', { progressToken: 'not-ours', progress: 1 }],
  ]);
});

test('a throwing onNotification is reported, not thrown', async () => {
  const wire = await wirePair({
    onNotification: () => {
      throw new Error('handler broke');
    },
  });
  await wire.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  expect(wire.errors.map((error) => error.message)).toEqual(['handler broke']);
});
