// The body guard: cap (declared or streamed), strict UTF-8, JSON, batch size, JSON-RPC shape.
import { expect, test } from 'vitest';
import { jsonRpcBody } from '../../../src/front/http/guards/body.js';
import { fakeContext, passes, refusal, summary } from './fake-http.js';

const body = jsonRpcBody(1024);
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

test('one message is parsed; an initialize is found', async () => {
  const { ctx } = fakeContext({ body: JSON.stringify(INIT) });
  expect(await passes(body, ctx)).toBe(true);
  expect(ctx.messages).toEqual([INIT]);
  expect(ctx.initialize).toEqual(INIT);
});

test('a body in several chunks is joined; a batch keeps its order', async () => {
  const batch = JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { jsonrpc: '2.0', method: 'notifications/x' }]);
  const { ctx } = fakeContext({ body: [Buffer.from(batch.slice(0, 10)), Buffer.from(batch.slice(10))] });
  expect(await passes(body, ctx)).toBe(true);
  expect(ctx.messages.map((m) => ('method' in m ? m.method : ''))).toEqual(['tools/list', 'notifications/x']);
  expect(ctx.initialize).toBeUndefined();
});

const TOO_LARGE = { status: 413, code: -32600, message: 'Request body is larger than 1024 bytes', headers: { Connection: 'close' } };

test('a body declared over the cap is refused before it is read', async () => {
  const { ctx } = fakeContext({ headers: { 'content-length': '1025' }, body: 'x' });
  expect(summary(await refusal(body, ctx))).toEqual(TOO_LARGE);
});

test('a body that streams past the cap is refused at the chunk that passes it', async () => {
  const { ctx } = fakeContext({ body: [Buffer.alloc(1000, 0x20), Buffer.alloc(100, 0x20), Buffer.alloc(10_000, 0x20)] });
  expect(summary(await refusal(body, ctx))).toEqual(TOO_LARGE);
});

test('a body of exactly the cap is read', async () => {
  const text = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/x', params: { pad: '' } });
  const padded = text.replace('"pad":""', `"pad":"${'x'.repeat(1024 - text.length)}"`);
  expect(Buffer.byteLength(padded)).toBe(1024);
  expect(await passes(body, fakeContext({ body: padded }).ctx)).toBe(true);
});

test.each([
  ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), { status: 400, code: -32700, message: 'Parse error: the body is not valid UTF-8' }],
  ['a lone surrogate half in UTF-8', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), { status: 400, code: -32700, message: 'Parse error: the body is not valid UTF-8' }],
  ['malformed JSON', '{"jsonrpc": "2.0", "id": 1, "method": ', { status: 400, code: -32700, message: 'Parse error: the body is not valid JSON' }],
  ['an empty body', '', { status: 400, code: -32700, message: 'Parse error: the body is not valid JSON' }],
  ['an empty batch', '[]', { status: 400, code: -32600, message: 'Invalid Request: a batch holds 1 to 100 messages' }],
  ['a batch of 101', JSON.stringify(Array.from({ length: 101 }, () => ({ jsonrpc: '2.0', method: 'n' }))), { status: 400, code: -32600, message: 'Invalid Request: a batch holds 1 to 100 messages' }],
  ['an object that is not JSON-RPC', '{"hello":"world"}', { status: 400, code: -32600, message: 'Invalid Request: the body is not a JSON-RPC 2.0 message' }],
  ['a batch with one bad message', JSON.stringify([INIT, { id: 2, method: 'x' }]), { status: 400, code: -32600, message: 'Invalid Request: the body is not a JSON-RPC 2.0 message' }],
])('%s is refused', async (_label, raw, expected) => {
  const { ctx } = fakeContext({ body: typeof raw === 'string' ? raw : [raw] });
  expect(summary(await refusal(jsonRpcBody(100_000), ctx))).toEqual(expected);
});
