// Audit records and the sink seam. One JSONL line per decided call.
import type { Reason, Verdict } from '../policy/types.js';

export interface AuditRecord {
  time: string;
  /**
   * A random id for a call record; for an approval record, the ticket id. A call that waited for
   * approval names its ticket in `approval.ticket`, which links the two.
   */
  decision_id: string;
  event: 'call' | 'approval';
  agent: string;
  environment: string;
  session: string;
  /** `server/tool`, or the exposed name when the catalog did not know it. */
  tool: string;
  /** sha256 of the canonical JSON of the arguments (sorted keys). */
  args_sha256: string;
  /** The arguments with secret-looking values redacted. */
  args: unknown;
  decision: Verdict;
  reasons: Reason[];
  outcome: 'ok' | 'error' | 'denied' | 'asked' | 'approved' | 'expired' | 'cancelled';
  error?: string;
  duration_ms: number;
  approval?: {
    ticket: string;
    channel: string;
    by?: string;
    waited_ms: number;
    /** Why the approval ended as it did, in the words the agent got. */
    reason?: string;
    /** For channel elicitation: the agent's client that answered, as it named itself at initialize. */
    client?: { name: string; version: string };
  };
}

/** Where audit records go. `write` never throws and never blocks the call. */
export interface AuditSink {
  write(record: AuditRecord): void;
  /** Flushes and closes; idempotent. */
  close(): Promise<void>;
}
