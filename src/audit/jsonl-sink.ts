// The JSONL audit file. Records are serialised when written and appended in batches: the records of
// about a millisecond go out in a single write(2) (a timer, so the batch is written after the answers
// of that turn have gone to the agent, not before them), to a file opened with O_APPEND, so lines
// never interleave, within a process or across the gateways sharing a file. One write per call was a
// tenth of a gateway's CPU per call at concurrency 32, and sat on the call's own path. A batch not yet
// written is written on close and on process exit; only a SIGKILL within that millisecond loses it.
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditRecord, AuditSink } from './types.js';

export interface JsonlSinkOptions {
  /** Called when a line cannot be written; the default prints to stderr. Auditing never fails a call. */
  onError?: (error: Error) => void;
}

/** Opens (creating if needed) an append-only JSONL audit file. */
export function createJsonlSink(path: string, options: JsonlSinkOptions = {}): AuditSink {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = openSync(path, 'a', 0o600);
  const onError = options.onError ?? ((error) => process.stderr.write(`mcp-warden: audit write failed: ${error.message}\n`));
  let batch = '';
  let scheduled: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (scheduled) clearTimeout(scheduled);
    scheduled = undefined;
    if (fd === undefined || batch === '') return;
    const bytes = Buffer.from(batch);
    batch = '';
    try {
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    } catch (error) {
      onError(error as Error);
    }
  };
  process.on('exit', flush);

  return {
    write(record) {
      if (fd === undefined) return;
      batch += `${JSON.stringify(record)}\n`;
      // Unref'd: a pending batch never keeps the process alive; the exit handler writes it.
      scheduled ??= setTimeout(flush, 1).unref();
    },
    async close() {
      flush();
      process.off('exit', flush);
      if (fd === undefined) return;
      const open = fd;
      fd = undefined;
      closeSync(open);
    },
  };
}

/** The in-memory twin, for tests. */
export function createMemorySink(): AuditSink & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return {
    records,
    write(record) {
      records.push(structuredClone(record));
    },
    async close() {},
  };
}

/** A sink that drops everything, for environments with `audit: false`. */
export function createNullSink(): AuditSink {
  return { write() {}, async close() {} };
}
