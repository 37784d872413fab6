// Reading an audit log back: parse its JSONL lines (keeping the line number of any that do not
// parse), filter records, and follow a file as it grows (tail -f), including one not created yet.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import picomatch from 'picomatch';
import { WardenError } from '../errors.js';
import type { Verdict } from '../policy/types.js';
import type { AuditRecord } from './types.js';

/** A line that is not an audit record, with its 1-based line number in the file. */
export interface BadLine {
  line: number;
  message: string;
}

export interface ParsedLines {
  records: AuditRecord[];
  bad: BadLine[];
}

/**
 * Parses JSONL `text` whose first line is line `firstLine` of its file. A line that is not JSON,
 * or not an object with the fields every record has, is returned in `bad`, never dropped silently.
 */
export function parseAuditLines(text: string, firstLine = 1): ParsedLines {
  const records: AuditRecord[] = [];
  const bad: BadLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = firstLine + index;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      bad.push({ line, message: `not JSON (${(error as Error).message})` });
      return;
    }
    const missing = missingField(value);
    if (missing) bad.push({ line, message: missing });
    else records.push(value as AuditRecord);
  });
  return { records, bad };
}

const VERDICTS: readonly string[] = ['allow', 'ask', 'deny'];

/** Why `value` is not a record the reader can show, or undefined when it is. */
function missingField(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  for (const key of ['time', 'agent', 'tool', 'outcome'] as const) {
    if (typeof record[key] !== 'string') return `field "${key}" is missing or not a string`;
  }
  if (!VERDICTS.includes(record.decision as string)) return `field "decision" is not allow, ask or deny`;
  if (!Array.isArray(record.reasons)) return 'field "reasons" is missing or not an array';
  return undefined;
}

export interface AuditFilter {
  agent?: string;
  /** A picomatch glob over the record's `tool` (`server/tool`). */
  tool?: string;
  decision?: Verdict;
  /** Only records at or after this time. */
  since?: Date;
}

/** A predicate that keeps the records matching every given filter. */
export function compileFilter(filter: AuditFilter): (record: AuditRecord) => boolean {
  // dot: true, as in rules: a tool name starting with a dot is still a tool.
  const toolMatches = filter.tool === undefined ? undefined : picomatch(filter.tool, { dot: true });
  const since = filter.since?.getTime();
  return (record) =>
    (filter.agent === undefined || record.agent === filter.agent) &&
    (toolMatches === undefined || toolMatches(record.tool)) &&
    (filter.decision === undefined || record.decision === filter.decision) &&
    (since === undefined || Date.parse(record.time) >= since);
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO time, or a duration back from `now` (`30s`, `10m`, `2h`, `1d`). */
export function parseSince(value: string, now: Date): Date {
  const duration = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2]!]!);
  // Only strings that look like a date: Date.parse alone accepts "1" as the year 2001.
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    throw new WardenError('BAD_INPUT', `Invalid --since "${value}": give an ISO time (2026-01-31T09:00:00Z) or a duration such as 10m, 2h or 1d`);
  }
  return new Date(time);
}

export interface FollowOptions {
  /** Stops following; the returned promise then resolves. */
  signal: AbortSignal;
  /** How often the file is checked for growth. */
  pollMs?: number;
}

/**
 * Calls `onText` with each complete new chunk of lines of `path` (and the line number of its first
 * line), from the start of the file, then as lines are appended, until `signal` aborts. A file that
 * does not exist yet is waited for; one that shrinks (truncated or replaced) is read again from its
 * start, as is a new file put in its place. A line is passed on only once its newline is written, so a half-written record is never
 * reported as bad. Polls rather than fs.watch: watch misses changes on some filesystems and cannot
 * watch a file that does not exist.
 */
export async function followFile(path: string, onText: (text: string, firstLine: number) => void, options: FollowOptions): Promise<void> {
  const pollMs = options.pollMs ?? 200;
  let offset = 0;
  let nextLine = 1;
  let pending = Buffer.alloc(0);
  let inode: number | undefined;
  while (!options.signal.aborted) {
    const stats = statOf(path);
    const size = stats?.size;
    // Truncated, or replaced by a new file (log rotation): start again from its beginning.
    if (stats && (stats.size < offset || (inode !== undefined && stats.ino !== inode))) {
      offset = 0;
      nextLine = 1;
      pending = Buffer.alloc(0);
    }
    inode = stats?.ino;
    if (size !== undefined && size > offset) {
      const chunk = readRange(path, offset, size - offset);
      offset += chunk.length;
      pending = Buffer.concat([pending, chunk]);
      const end = pending.lastIndexOf(0x0a);
      if (end >= 0) {
        const text = pending.subarray(0, end).toString('utf8');
        pending = pending.subarray(end + 1);
        onText(text, nextLine);
        nextLine += text.split('\n').length;
      }
    }
    await sleep(pollMs, options.signal);
  }
}

function statOf(path: string): { size: number; ino: number } | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readRange(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, position + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
