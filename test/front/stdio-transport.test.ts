// The agent-facing stdio transport: whole messages in, garbage answered with a parse error, one
// line per message out.
import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { StdioFrontTransport } from '../../src/front/stdio-transport.js';
import { isJsonRpcMessage } from '../../src/jsonrpc/jsonrpc-shape.js';

test('messages split across chunks arrive whole; garbage gets a parse error and reading goes on', async () => {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const transport = new StdioFrontTransport(stdin, stdout);
  const received: unknown[] = [];
  const errors: Error[] = [];
  transport.onmessage = (message) => void received.push(message);
  transport.onerror = (error) => void errors.push(error);
  await transport.start();
  stdin.write('{"jsonrpc":"2.0","id":1,"me');
  stdin.write('thod":"ping"}\nnot json\n{"jsonrpc":"1.0","id":2,"method":"x"}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
  await new Promise((resolve) => setImmediate(resolve));
  expect(received).toEqual([
    { jsonrpc: '2.0', id: 1, method: 'ping' },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
  ]);
  expect(errors).toHaveLength(2);
  const replies = String(stdout.read()).trim().split('\n').map((line) => JSON.parse(line) as unknown);
  expect(replies).toEqual([
    { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the line is not a JSON-RPC 2.0 message' } },
    { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the line is not a JSON-RPC 2.0 message' } },
  ]);
  await transport.close();
  await expect(transport.send({ jsonrpc: '2.0', id: 3, result: {} })).rejects.toThrow(/closed/);
});

test.each([
  [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, true],
  [{ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }, true],
  [{ jsonrpc: '2.0', id: 'a', result: {} }, true],
  [{ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } }, true],
  [{ jsonrpc: '2.0', id: 1, method: 'x', params: [1, 2] }, false],
  [{ jsonrpc: '2.0', id: null, method: 'x' }, false],
  [{ jsonrpc: '2.0', id: 1 }, false],
  [{ jsonrpc: '2.0', id: 1, result: 'x' }, false],
  [{ jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'x' } }, false],
  [{ jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'x' } }, false],
  [{ id: 1, method: 'x' }, false],
  [[{ jsonrpc: '2.0', id: 1, method: 'x' }], false],
  ['{"jsonrpc":"2.0"}', false],
  [null, false],
])('isJsonRpcMessage(%j) → %s', (value, expected) => {
  expect(isJsonRpcMessage(value)).toBe(expected);
});

test('a line that is not UTF-8 is answered with a parse error: with the id of a request, with null for an answer', async () => {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const transport = new StdioFrontTransport(stdin, stdout);
  const received: unknown[] = [];
  transport.onmessage = (message) => void received.push(message);
  transport.onerror = () => {};
  await transport.start();
  const bad = Buffer.from([0xc3, 0x28]);
  stdin.write(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"x","arguments":{"a":"'), bad, Buffer.from('"}}}\n')]));
  stdin.write(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":0,"result":{"action":"accept","content":{"a":"'), bad, Buffer.from('"}}}\n')]));
  await new Promise((resolve) => setImmediate(resolve));
  expect(received).toEqual([]);
  expect(String(stdout.read()).trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
    { jsonrpc: '2.0', id: 5, error: { code: -32700, message: 'Parse error: the line is not valid UTF-8' } },
    { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the line is not valid UTF-8' } },
  ]);
  await transport.close();
});
