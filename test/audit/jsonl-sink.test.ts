// The audit file is written in batches, one write per millisecond or so; these pin that no
// record is lost on the ways a gateway stops that Node lets us see (close, process.exit, a thrown
// error), and that each turn's records land together and in order.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { createJsonlSink } from '../../src/audit/jsonl-sink.js';
import type { AuditRecord } from '../../src/audit/types.js';

const SINK = fileURLToPath(new URL('../../dist/audit/jsonl-sink.js', import.meta.url));

function record(id: string): AuditRecord {
  return {
    time: new Date(0).toISOString(),
    decision_id: id,
    event: 'call',
    agent: 'a',
    environment: 'dev',
    session: 's',
    tool: 'fs/read_file',
    args_sha256: 'x',
    args: {},
    decision: 'allow',
    reasons: [],
    outcome: 'ok',
    duration_ms: 1,
  };
}

const ids = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as AuditRecord).decision_id) : []);

test('records written together land together, in order, a moment later', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'warden-sink-')), 'audit.jsonl');
  const sink = createJsonlSink(path);
  // Not awaited one by one: the point is that writes made together are batched.
  const writes = [sink.write(record('a')), sink.write(record('b'))];
  expect(ids(path)).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(ids(path)).toEqual(['a', 'b']);
  writes.push(sink.write(record('c')));
  await sink.close();
  expect(ids(path)).toEqual(['a', 'b', 'c']);
  writes.push(sink.write(record('after close')));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(ids(path)).toEqual(['a', 'b', 'c']);
  await Promise.all(writes);
});

test.each([
  ['process.exit right after the write', 'process.exit(0);'],
  ['an uncaught exception right after the write', "throw new Error('boom');"],
  ['an exit code set and the loop left to drain', 'process.exitCode = 3;'],
])('a pending batch is written on %s', (_label, ending) => {
  const path = join(mkdtempSync(join(tmpdir(), 'warden-sink-')), 'audit.jsonl');
  const script = `
    const { createJsonlSink } = await import(${JSON.stringify(SINK)});
    const sink = createJsonlSink(${JSON.stringify(path)});
    sink.write(${JSON.stringify(record('last words'))});
    ${ending}
  `;
  spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(ids(path)).toEqual(['last words']);
});

test('a write resolves only once its record is in the file, and the records of one turn go out in one batch', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'warden-sink-')), 'audit.jsonl');
  const sink = createJsonlSink(path);
  const seenAtResolve: string[][] = [];
  const writes = ['a', 'b', 'c'].map((id) => sink.write(record(id)).then(() => seenAtResolve.push(ids(path))));
  expect(ids(path)).toEqual([]);
  await Promise.all(writes);
  // Each write found every record of its turn already there: one batch, written before any resolved.
  expect(seenAtResolve).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c']]);
  await sink.write(record('d'));
  expect(ids(path)).toEqual(['a', 'b', 'c', 'd']);
  await sink.close();
  await sink.write(record('after close'));
  expect(ids(path)).toEqual(['a', 'b', 'c', 'd']);
});

test('with fsync on, writes resolve with their records in the file, and close waits for a running fsync', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'warden-sink-')), 'audit.jsonl');
  const sink = createJsonlSink(path, { fsync: true });
  await Promise.all([sink.write(record('a')), sink.write(record('b'))]);
  expect(ids(path)).toEqual(['a', 'b']);
  const pending = sink.write(record('c'));
  await sink.close();
  await pending;
  expect(ids(path)).toEqual(['a', 'b', 'c']);
});
