// Upstream stderr at a bounded cost: lines cut at a cap, a per-upstream rate with a count of what was
// dropped, and the gateway's own stderr never buffering past a bound.
import { expect, test } from 'vitest';
import { StderrLines } from '../../src/upstream/stderr-lines.js';
import { boundedLineWriter } from '../../src/upstream/bounded-writer.js';

function lines(options: ConstructorParameters<typeof StderrLines>[1] = {}) {
  const out: string[] = [];
  const reader = new StderrLines((line) => void out.push(line), options);
  return { out, reader };
}

test('lines split across chunks come out whole, CR stripped, the unfinished last one at the end', () => {
  const { out, reader } = lines();
  reader.push(Buffer.from('one\r\ntw'));
  reader.push(Buffer.from('o\nthr'));
  expect(out).toEqual(['one', 'two']);
  reader.end();
  expect(out).toEqual(['one', 'two', 'thr']);
  expect(reader.tail()).toEqual(['one', 'two', 'thr']);
});

test('a line over the cap is passed on cut, with a marker, and the rest is counted and reported with the next line', () => {
  const { out, reader } = lines({ limits: { maxLineBytes: 10 } });
  reader.push(Buffer.from('abcdefgh'));
  reader.push(Buffer.from('ijklmnop'));
  expect(out).toEqual(['abcdefghij … [line longer than 10 bytes; the rest is dropped]']);
  reader.push(Buffer.from('qrstuvwxyz'.repeat(1000)));
  reader.push(Buffer.from('end\nnext\n'));
  expect(out.slice(1)).toEqual(['… 10009 bytes of stderr dropped (over 131072 bytes/s or lines over 10 bytes)', 'next']);
});

test('beyond the rate, lines are dropped and counted; the count comes with the first line the rate allows again', () => {
  let now = 0;
  const { out, reader } = lines({ limits: { bytesPerSecond: 1024, burstBytes: 1024 }, now: () => now });
  // Each line costs at least 256 bytes: four fit in the burst.
  for (let index = 0; index < 10; index += 1) reader.push(Buffer.from(`line ${index}\n`));
  expect(out).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
  // A whole chunk with no budget left is dropped in one step.
  reader.push(Buffer.from('x\n'.repeat(1000)));
  now = 1000;
  reader.push(Buffer.from('later\n'));
  expect(out.slice(4)).toEqual(['… 2042 bytes of stderr dropped (over 1024 bytes/s or lines over 65536 bytes)', 'later']);
  expect(reader.tail().at(-1)).toBe('later');
});

test('16 MB of stderr without a newline costs linear time and keeps one cut line', () => {
  const { out, reader } = lines();
  const chunk = Buffer.alloc(65536, 0x79);
  const started = performance.now();
  for (let index = 0; index < 256; index += 1) reader.push(chunk);
  console.log(`16 MB of stderr without a newline handled in ${(performance.now() - started).toFixed(0)} ms`);
  expect(out).toHaveLength(1);
  expect(out[0]).toMatch(/^y{65536} … \[line longer than 65536 bytes; the rest is dropped\]$/);
  expect(reader.dropped).toBe(16 * 1024 * 1024 - 65536);
});

test('the writer drops lines while the stream holds more than its bound, and reports how much when there is room', () => {
  const written: string[] = [];
  const stream = { writableLength: 0, write: (text: string) => written.push(text) > 0 };
  const write = boundedLineWriter(stream, 100);
  write('first');
  stream.writableLength = 101;
  write('lost one');
  write('lost two');
  stream.writableLength = 0;
  write('after');
  expect(written).toEqual([
    'first\n',
    "[mcp-warden] … 18 bytes of upstream stderr dropped: this process's stderr was not read fast enough\n",
    'after\n',
  ]);
});
