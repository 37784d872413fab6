// Telling the other side's answers from the Peer's own rejections: an upstream may answer with the
// very code and data of a Peer timeout, and a result that is not an object is an answer, not a failed send.
import { afterEach, expect, test, vi } from 'vitest';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { InvalidAnswerError, isErrorAnswer, Peer } from '../../src/jsonrpc/peer.js';
import { wirePair } from './wire-pair.js';

afterEach(() => {
  vi.useRealTimers();
});

test('an error answer is marked as one, even when it imitates a Peer timeout', async () => {
  const wire = await wirePair();
  const pending = wire.peer.request('a', undefined, { timeoutMs: 500 });
  await wire.send({ jsonrpc: '2.0', id: 0, error: { code: ErrorCode.RequestTimeout, message: 'Request timed out', data: { timeout: 500 } } });
  const error = await pending.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(McpError);
  expect(isErrorAnswer(error)).toBe(true);
});

test("the Peer's own timeout, an abort and a close are not answers", async () => {
  vi.useFakeTimers();
  const wire = await wirePair();
  const timedOut = wire.peer.request('a', undefined, { timeoutMs: 100 }).catch((caught: unknown) => caught);
  await vi.advanceTimersByTimeAsync(150);
  expect(await timedOut).toMatchObject({ code: ErrorCode.RequestTimeout, data: { timeout: 100 } });
  expect(isErrorAnswer(await timedOut)).toBe(false);

  const controller = new AbortController();
  const aborted = wire.peer.request('b', undefined, { signal: controller.signal }).catch((caught: unknown) => caught);
  controller.abort('gave up');
  expect(isErrorAnswer(await aborted)).toBe(false);

  const closed = wire.peer.request('c', undefined).catch((caught: unknown) => caught);
  await wire.peer.close();
  expect(await closed).toMatchObject({ code: ErrorCode.ConnectionClosed });
  expect(isErrorAnswer(await closed)).toBe(false);
  expect(isErrorAnswer(new McpError(ErrorCode.RequestTimeout, 'Request timed out'))).toBe(false);
  expect(isErrorAnswer(undefined)).toBe(false);
});

test('a result that is not an object rejects with an InvalidAnswerError', async () => {
  const wire = await wirePair();
  const pending = wire.peer.request('a', undefined);
  await wire.send({ jsonrpc: '2.0', id: 0, result: 'nope' });
  const error = await pending.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidAnswerError);
  expect(error).toMatchObject({ message: 'The answer to request 0 has a result that is not an object' });
  expect(isErrorAnswer(error)).toBe(false);
});

test('a failed send rejects with the transport error itself, neither an answer nor an InvalidAnswerError', async () => {
  const broken = new Error('write EPIPE');
  const peer = new Peer(
    { start: async () => {}, close: async () => {}, send: () => Promise.reject(broken) },
    { onRequest: async () => ({}), toRpcError: () => ({ code: -32603, message: 'x' }) },
  );
  await peer.start();
  const error = await peer.request('a', undefined).catch((caught: unknown) => caught);
  expect(error).toBe(broken);
  expect(isErrorAnswer(error)).toBe(false);
});
