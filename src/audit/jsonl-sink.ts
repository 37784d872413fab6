// The JSONL audit file. Each record is one write of one whole line to a file opened for append, and
// writes are chained, so lines never interleave within a process; O_APPEND keeps whole-line writes
// from several gateways on one file from overwriting each other.
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
  return {
    write(record) {
      if (fd === undefined) return;
      try {
        // Synchronous append: one syscall per line, no buffering that a crash could lose.
        writeSync(fd, `${JSON.stringify(record)}\n`);
      } catch (error) {
        onError(error as Error);
      }
    },
    async close() {
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
