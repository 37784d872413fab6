// Reading newline-delimited JSON-RPC from a child's stdout: split across chunks, garbage skipped.
import { expect, test } from 'vitest';
import { JsonLineReader } from '../../src/jsonrpc/json-lines.js';

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

/** A reader's results for `chunks` fed in order. */
function read(chunks: Array<string | Buffer>, maxLineBytes?: number): unknown[] {
  const reader = new JsonLineReader(maxLineBytes === undefined ? {} : { maxLineBytes });
  return chunks.flatMap((chunk) => reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
}

test.each([
  ['a lone continuation byte', [0x80]],
  ['a truncated sequence', [0xe2, 0x82]],
  ['an overlong "/"', [0xc0, 0xaf]],
  ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['0xFF', [0xff]],
])('a line with %s is refused with its id, never repaired to U+FFFD', (_label, bytes) => {
  const line = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"run","arguments":{"c":"a'), Buffer.from(bytes), Buffer.from('b"}}}\n')]);
  expect(read([line])).toEqual([{ refused: { reason: 'invalid-utf8', bytes: line.length - 1, id: 4, method: true } }]);
  // An answer says it answers: no method.
  const answer = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":"warden-2","result":{"t":"'), Buffer.from(bytes), Buffer.from('"}}\n')]);
  expect(read([answer])).toEqual([{ refused: { reason: 'invalid-utf8', bytes: answer.length - 1, id: 'warden-2' } }]);
});

test('a too-large line whose id comes first is refused as soon as it passes the limit, then discarded up to its newline', () => {
  const reader = new JsonLineReader({ maxLineBytes: 100 });
  expect(reader.push(Buffer.from('{"jsonrpc":"2.0","id":"warden-3","result":{"text":"'))).toEqual([]);
  expect(reader.push(Buffer.from('x'.repeat(80)))).toEqual([{ refused: { reason: 'too-large', bytes: 131, id: 'warden-3' } }]);
  // The rest of the line is counted, not kept, and not reported again; the next line is read.
  expect(reader.push(Buffer.from(`${'x'.repeat(10_000)}"}}\n{"jsonrpc":"2.0","id":1,"result":{}}\n`))).toEqual([{ message: { jsonrpc: '2.0', id: 1, result: {} } }]);
});

test('a too-large line whose id comes last (as the SDK writes it) is refused with that id when it ends', () => {
  const line = `{"result":{"content":[{"type":"text","text":"${'y'.repeat(5000)}","id":"inner"}]},"jsonrpc":"2.0","id":"warden-9"}\n`;
  const chunks = line.match(/[\s\S]{1,700}/g)!;
  expect(read(chunks, 1000)).toEqual([{ refused: { reason: 'too-large', bytes: line.length - 1, id: 'warden-9' } }]);
});

test('a too-large line with no readable id is refused without one, and the next line is read', () => {
  expect(read([`{"result":{"text":"${'y'.repeat(300)}"}}\n`, '{"jsonrpc":"2.0","method":"x"}\n'], 100)).toEqual([
    { refused: { reason: 'too-large', bytes: 322 } },
    { message: { jsonrpc: '2.0', method: 'x' } },
  ]);
});

test('an id inside a nested value at the start is not taken for the line\'s id', () => {
  const reader = new JsonLineReader({ maxLineBytes: 50 });
  expect(reader.push(Buffer.from(`{"result":{"id":"inner","text":"${'y'.repeat(100)}`))).toEqual([]);
  expect(reader.push(Buffer.from('"},"jsonrpc":"2.0","id":12}\n'))).toEqual([{ refused: { reason: 'too-large', bytes: 159, id: 12 } }]);
});

test('a line without a newline is held in chunks, not re-joined per chunk: 16 MB in 64 KiB chunks reads in linear time', () => {
  const reader = new JsonLineReader();
  const chunk = Buffer.alloc(65536, 0x20);
  const started = performance.now();
  let results = 0;
  for (let index = 0; index < 256; index += 1) results += reader.push(chunk).length;
  console.log(`16 MB without a newline, in 256 chunks, read in ${(performance.now() - started).toFixed(0)} ms`);
  expect(results).toBe(0);
  expect(reader.push(Buffer.from('{"jsonrpc":"2.0","method":"x"}\n'))).toEqual([{ message: { jsonrpc: '2.0', method: 'x' } }]);
});

test('a too-large request or notification (method first, as both SDKs write it) is marked as such, so it fails none of our requests', () => {
  const notification = `{"method":"notifications/message","params":{"data":"${'z'.repeat(300)}"},"jsonrpc":"2.0"}\n`;
  expect(read([notification], 100)).toEqual([{ refused: { reason: 'too-large', bytes: notification.length - 1, method: true } }]);
  // A request keeps its id, read at the end, so a front can still answer it.
  const request = `{"method":"tools/call","params":{"arguments":{"t":"${'z'.repeat(300)}"}},"jsonrpc":"2.0","id":5}\n`;
  expect(read([request], 100)).toEqual([{ refused: { reason: 'too-large', bytes: request.length - 1, id: 5, method: true } }]);
});
