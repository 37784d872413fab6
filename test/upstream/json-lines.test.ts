// Reading newline-delimited JSON-RPC from a child's stdout: split across chunks, garbage skipped.
import { expect, test } from 'vitest';
import { JsonLineReader } from '../../src/json-lines.js';

test('messages split across chunks come out whole, garbage lines are returned as such', () => {
  const reader = new JsonLineReader();
  const message = '{"jsonrpc":"2.0","method":"notifications/initialized"}';
  expect(reader.push(Buffer.from(message.slice(0, 10)))).toEqual([]);
  expect(reader.push(Buffer.from(`${message.slice(10)}\r\nnot json\n\n{"valid":"json, no message"}\n`))).toMatchObject([
    { message: { jsonrpc: '2.0', method: 'notifications/initialized' } },
    { garbage: 'not json' },
    { garbage: '{"valid":"json, no message"}' },
  ]);
});

test('a multi-byte character split between chunks survives', () => {
  const reader = new JsonLineReader();
  const bytes = Buffer.from('{"jsonrpc":"2.0","method":"x","params":{"t":"é"}}\n');
  const cut = bytes.indexOf(0xc3) + 1;
  expect(reader.push(bytes.subarray(0, cut))).toEqual([]);
  expect(reader.push(bytes.subarray(cut))).toMatchObject([{ message: { params: { t: 'é' } } }]);
});
