// The JSONL audit file. A call's record is in the file before its answer leaves: `write` resolves
// once the record's write(2) has returned, and the pipeline waits for that. The records of one
// event-loop turn (every call answered in it) go out in a single write(2), made at the end of that
// turn, to a file opened with O_APPEND, so lines never interleave, within a process or across the
// gateways sharing a file; one write per call was a tenth of a gateway's CPU per call at c=32.
// Once write(2) returns the record is in the kernel: a SIGKILL cannot lose it, a power loss can,
// unless `fsync` is on, which syncs each batch to disk before its calls are answered.
import { mkdirSync, openSync, writeSync, closeSync, fsync, fsyncSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditRecord, AuditSink } from './types.js';

export interface JsonlSinkOptions {
  /** fsync each batch before its writes resolve (audit.fsync). */
  fsync?: boolean;
  /** Called when a line cannot be written; the default prints to stderr. Auditing never fails a call. */
  onError?: (error: Error) => void;
}

/** Opens (creating if needed) an append-only JSONL audit file. */
export function createJsonlSink(path: string, options: JsonlSinkOptions = {}): AuditSink {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = openSync(path, 'a', 0o600);
  const onError = options.onError ?? ((error) => process.stderr.write(`mcp-warden: audit write failed: ${error.message}\n`));
  let batch = '';
  let waiting: Array<() => void> = [];
  let scheduled: NodeJS.Immediate | undefined;
  /** fsyncs still running: the file is closed only after them. */
  let syncing = new Set<Promise<void>>();

  /** Writes the pending batch now; returns the writers to resolve once it is (if asked) synced. */
  const writeBatch = (): Array<() => void> => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    const done = waiting;
    waiting = [];
    if (fd === undefined || batch === '') return done;
    const bytes = Buffer.from(batch);
    batch = '';
    try {
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    } catch (error) {
      onError(error as Error);
    }
    return done;
  };

  const flush = (): void => {
    const done = writeBatch();
    if (!options.fsync || fd === undefined || done.length === 0) {
      for (const resolve of done) resolve();
      return;
    }
    // Off the event loop, so calls keep arriving while the disk works; they form the next batch.
    const synced = new Promise<void>((resolve) => {
      fsync(fd!, (error) => {
        if (error) onError(error);
        resolve();
      });
    });
    syncing.add(synced);
    void synced.then(() => {
      syncing.delete(synced);
      for (const resolve of done) resolve();
    });
  };

  // On exit only synchronous work runs: the last batch is written (and synced) here.
  const flushOnExit = (): void => {
    const done = writeBatch();
    if (options.fsync && fd !== undefined && done.length > 0) {
      try {
        fsyncSync(fd);
      } catch (error) {
        onError(error as Error);
      }
    }
  };
  process.on('exit', flushOnExit);

  return {
    write(record) {
      if (fd === undefined) return Promise.resolve();
      batch += `${JSON.stringify(record)}\n`;
      // At the end of this turn, once every call answered in it has added its record. Unref'd: a
      // pending batch never keeps the process alive; the exit handler writes it.
      scheduled ??= setImmediate(flush).unref();
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    async close() {
      flush();
      await Promise.all(syncing);
      syncing = new Set();
      process.off('exit', flushOnExit);
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
    async write(record) {
      records.push(structuredClone(record));
    },
    async close() {},
  };
}

/** A sink that drops everything, for environments with `audit: false`. */
export function createNullSink(): AuditSink {
  return { async write() {}, async close() {} };
}
