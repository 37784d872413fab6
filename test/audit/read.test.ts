import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { compileFilter, followFile, parseAuditLines, parseSince, type AuditFilter } from '../../src/audit/read.js';
import { record } from './records.js';

test('parses every record and reports each bad line with its line number, blank lines skipped', () => {
  const good = JSON.stringify(record('00:01'));
  const text = [good, '', '{"time":', '[1]', JSON.stringify({ ...record('00:02'), decision: 'maybe' }), JSON.stringify({ ...record('00:03'), agent: 7 }), good].join('\n');
  const { records, bad } = parseAuditLines(text, 10);
  expect(records).toHaveLength(2);
  expect(bad).toMatchInlineSnapshot(`
    [
      {
        "line": 12,
        "message": "not JSON (Unexpected end of JSON input)",
      },
      {
        "line": 13,
        "message": "not a JSON object",
      },
      {
        "line": 14,
        "message": "field "decision" is not allow, ask or deny",
      },
      {
        "line": 15,
        "message": "field "agent" is missing or not a string",
      },
    ]
  `);
});

const RECORDS = [
  record('00:00'),
  record('01:00', { agent: 'ci', tool: 'fs/delete_file', decision: 'deny', outcome: 'denied' }),
  record('02:00', { tool: 'shell/run', decision: 'ask', outcome: 'ok' }),
  record('03:00', { tool: 'resource:fs/file:///etc/passwd', decision: 'deny', outcome: 'denied' }),
];

test.each<[string, AuditFilter, string[]]>([
  ['no filter keeps everything', {}, ['00:00', '01:00', '02:00', '03:00']],
  ['agent', { agent: 'ci' }, ['01:00']],
  ['tool glob over server/tool', { tool: 'fs/*' }, ['00:00', '01:00']],
  ['tool glob across servers', { tool: '*/delete*' }, ['01:00']],
  ['decision', { decision: 'deny' }, ['01:00', '03:00']],
  ['since is inclusive', { since: new Date('2026-01-31T09:02:00.123Z') }, ['02:00', '03:00']],
  ['filters combine', { decision: 'deny', tool: 'fs/**' }, ['01:00']],
  ['nothing matches', { agent: 'nobody' }, []],
])('filter: %s', (_name, filter, expected) => {
  expect(RECORDS.filter(compileFilter(filter)).map((r) => r.time.slice(14, 19))).toEqual(expected);
});

test.each([
  ['30s', '2026-01-31T08:59:30.000Z'],
  ['10m', '2026-01-31T08:50:00.000Z'],
  ['2h', '2026-01-31T07:00:00.000Z'],
  ['1d', '2026-01-30T09:00:00.000Z'],
  ['2026-01-31T08:00:00Z', '2026-01-31T08:00:00.000Z'],
  ['2026-01-31', '2026-01-31T00:00:00.000Z'],
])('--since %s', (value, expected) => {
  expect(parseSince(value, new Date('2026-01-31T09:00:00Z')).toISOString()).toBe(expected);
});

test.each(['10', '10x', 'yesterday', '1', ''])('--since %j is refused with what to give instead', (value) => {
  expect(() => parseSince(value, new Date())).toThrow(`Invalid --since "${value}": give an ISO time (2026-01-31T09:00:00Z) or a duration such as 10m, 2h or 1d`);
});

/** Resolves once `check` holds; polls, so a loaded machine only makes it slower. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('follow: waits for the file, passes only complete lines with their line numbers, re-reads a truncated or replaced file, stops on abort', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-follow-'));
  const path = join(dir, 'audit.jsonl');
  const seen: Array<[string, number]> = [];
  const controller = new AbortController();
  const following = followFile(path, (text, line) => void seen.push([text, line]), { signal: controller.signal, pollMs: 5 });

  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(seen).toEqual([]);
  writeFileSync(path, 'a\nb\n');
  await until(() => seen.length === 1);
  // A half-written line waits for its newline.
  appendFileSync(path, 'c\nhal');
  await until(() => seen.length === 2);
  expect(seen).toEqual([['a\nb', 1], ['c', 3]]);
  appendFileSync(path, 'f\n');
  await until(() => seen.length === 3);
  writeFileSync(path, 'x\n');
  await until(() => seen.length === 4);
  // Replaced by a larger file (rotation): its inode differs, so it is read from the start.
  writeFileSync(join(dir, 'next.jsonl'), 'one\ntwo\nthree\nfour\nfive\n');
  renameSync(join(dir, 'next.jsonl'), path);
  await until(() => seen.length === 5);
  controller.abort();
  await following;
  expect(seen).toEqual([['a\nb', 1], ['c', 3], ['half', 4], ['x', 1], ['one\ntwo\nthree\nfour\nfive', 1]]);
});
