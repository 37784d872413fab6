// Where `audit.required` is enforced: a call is forwarded only if its record can be stored, and an
// answer whose record could not be stored does not leave. Sinks that never refuse (the JSONL file)
// make both checks no-ops.
import { WardenError } from '../errors.js';
import type { AuditFailure, AuditSink } from '../audit/types.js';

/** Rejects with CALL_DENIED, before anything is forwarded, when the sink cannot store records now. */
export async function admitAudited(sink: AuditSink, subject: string): Promise<void> {
  if (!sink.admit) return;
  try {
    await sink.admit();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new WardenError('CALL_DENIED', `Call to "${subject}" refused: its audit record cannot be stored (${why}); audit.required is on, so the call was not forwarded`, { cause: error });
  }
}

/** The error that replaces an answer whose required record was not stored. */
export function unaudited(subject: string, failure: AuditFailure): WardenError {
  return new WardenError('CALL_DENIED', `Call to "${subject}" refused: its audit record could not be stored (${failure.message}); audit.required is on, so its result is withheld`, { cause: failure });
}
