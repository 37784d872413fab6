// Audit records in PostgreSQL, append-only: the records of one event-loop turn go in one INSERT, and
// each write resolves once that INSERT has committed, so an answered call always has its row. The
// record itself is kept whole (jsonb) beside indexed columns for the usual questions (time, agent,
// tool, decision). With `required` (the default), a record that cannot be stored is reported back
// to the pipeline, which refuses the call; otherwise the failure is only logged.
import { WardenError } from '../errors.js';
import { describeStoreError, type PostgresConnection } from '../store/postgres/connection.js';
import type { AuditFailure, AuditRecord, AuditSink } from './types.js';

export interface PgAuditSinkOptions {
  /** Refuse calls whose record cannot be stored (audit.required; default true). */
  required?: boolean;
  /** Recorded on each row: which replica wrote it. */
  replica?: string;
  /** Called when records cannot be written; the default prints to stderr. */
  onError?: (error: Error) => void;
  /** A call is admitted without asking the database when it answered within this (default 1 s). */
  healthyWithinMs?: number;
}

interface Pending {
  record: AuditRecord;
  resolve: (failure: void | AuditFailure) => void;
}

/** The audit sink of the PostgreSQL store; `db` stays open when the sink closes (its owner closes it). */
export function createPgAuditSink(db: PostgresConnection, options: PgAuditSinkOptions = {}): AuditSink {
  const required = options.required ?? true;
  const healthyWithinMs = options.healthyWithinMs ?? 1_000;
  const onError = options.onError ?? ((error) => process.stderr.write(`mcp-warden: audit write failed: ${error.message}\n`));
  let batch: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const unavailable = (error: unknown): WardenError =>
    new WardenError('STORE_UNAVAILABLE', `audit store unreachable: ${describeStoreError(error)}`, { cause: error });

  const flush = (): void => {
    scheduled = undefined;
    const pending = batch;
    batch = [];
    if (pending.length === 0) return;
    const insert = db
      .query(
        `INSERT INTO warden_audit (time, event, agent, tool, decision, outcome, decision_id, replica, record)
         SELECT (r->>'time')::timestamptz, r->>'event', r->>'agent', r->>'tool', r->>'decision', r->>'outcome', r->>'decision_id', $2, r
         FROM jsonb_array_elements($1::jsonb) AS r`,
        [JSON.stringify(pending.map((p) => p.record)), options.replica ?? null],
      )
      .then(
        () => {
          for (const p of pending) p.resolve();
        },
        (error: unknown) => {
          const failure = unavailable(error);
          onError(new Error(`${pending.length} record${pending.length === 1 ? '' : 's'} not stored: ${failure.message}`));
          for (const p of pending) p.resolve(required ? failure : undefined);
        },
      );
    inFlight.add(insert);
    void insert.finally(() => inFlight.delete(insert));
  };

  return {
    write(record) {
      if (closed) return Promise.resolve(required ? new WardenError('STORE_UNAVAILABLE', 'audit store closed') : undefined);
      return new Promise((resolve) => {
        batch.push({ record, resolve });
        // At the end of this turn, once every call answered in it has added its record.
        scheduled ??= setImmediate(flush);
      });
    },
    async admit() {
      if (!required || db.recentlyHealthy(healthyWithinMs)) return;
      try {
        await db.query('SELECT 1');
      } catch (error) {
        throw unavailable(error);
      }
    },
    async close() {
      if (closed) return;
      if (scheduled) clearImmediate(scheduled);
      flush();
      closed = true;
      await Promise.all(inFlight);
    },
  };
}
