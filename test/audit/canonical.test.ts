import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { canonicalJson, digestArguments, redact } from '../../src/audit/canonical.js';
import { createJsonlSink } from '../../src/audit/jsonl-sink.js';
import type { AuditRecord } from '../../src/audit/types.js';

test('canonical JSON sorts keys at every depth, so key order does not change the digest', () => {
  expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  expect(digestArguments({ x: 1, y: 'two' })).toBe(digestArguments({ y: 'two', x: 1 }));
  expect(digestArguments({ x: 1 })).not.toBe(digestArguments({ x: 2 }));
  expect(digestArguments({ x: 1 })).toMatch(/^[0-9a-f]{64}$/);
});

test.each([
  [{ password: 'hunter2' }, { password: '[redacted]' }],
  [{ headers: { Authorization: 'Bearer abcdefghijkl' } }, { headers: { Authorization: '[redacted]' } }],
  [{ api_key: 12345 }, { api_key: '[redacted]' }],
  [{ note: 'ghp_abcdefghijklmnopqrstuvwxyz0123' }, { note: '[redacted]' }],
  [{ note: 'AKIAABCDEFGHIJKLMNOP' }, { note: '[redacted]' }],
  [{ list: ['sk-abcdefghijklmnopqrstuv', 'plain'] }, { list: ['[redacted]', 'plain'] }],
  [{ token: { nested: 'x' } }, { token: { nested: 'x' } }],
  [{ path: 'src/index.ts', content: 'hello' }, { path: 'src/index.ts', content: 'hello' }],
])('redacts secret-looking keys and values: %j', (input, expected) => {
  expect(redact(input)).toEqual(expected);
});

test('long strings are cut in the log', () => {
  const out = redact({ content: 'a'.repeat(5000) }) as { content: string };
  expect(out.content.length).toBeLessThan(2100);
  expect(out.content).toMatch(/\[5000 chars\]$/);
});

test('JSONL lines stay whole under concurrent writers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
  const path = join(dir, 'audit.jsonl');
  const sinks = [createJsonlSink(path), createJsonlSink(path)];
  const record = (i: number): AuditRecord => ({
    time: new Date(0).toISOString(),
    decision_id: `id-${i}`,
    event: 'call',
    agent: 'a',
    environment: 'dev',
    session: 's',
    tool: 'fs/read_file',
    args_sha256: 'x',
    args: { blob: 'z'.repeat(1000 + i) },
    decision: 'allow',
    reasons: [],
    outcome: 'ok',
    duration_ms: 1,
  });
  await Promise.all(Array.from({ length: 400 }, async (_, i) => sinks[i % 2]!.write(record(i))));
  await Promise.all(sinks.map((sink) => sink.close()));
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(400);
  const ids = lines.map((line) => (JSON.parse(line) as AuditRecord).decision_id).sort();
  expect(new Set(ids).size).toBe(400);
});
