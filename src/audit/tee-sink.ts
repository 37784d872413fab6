// Two sinks as one: the PostgreSQL table with the JSONL file kept beside it. The first sink decides
// (its failure is the call's, its admit is asked); the second is written too, and never refuses.
import type { AuditSink } from './types.js';

/** Writes every record to `primary` and `secondary`; resolves when both have it. */
export function teeSink(primary: AuditSink, secondary: AuditSink): AuditSink {
  return {
    async write(record) {
      const [failure] = await Promise.all([primary.write(record), secondary.write(record)]);
      return failure;
    },
    ...(primary.admit ? { admit: primary.admit.bind(primary) } : {}),
    async close() {
      await Promise.all([primary.close(), secondary.close()]);
    },
  };
}
