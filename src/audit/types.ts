// Audit records and the sink seam. One JSONL line per decided call.
import type { Reason, Verdict } from '../policy/types.js';
import type { WardenError } from '../errors.js';

export interface AuditRecord {
  time: string;
  /**
   * A random id for a call record; for an approval record, the ticket id. A call that waited for
   * approval names its ticket in `approval.ticket`, which links the two.
   */
  decision_id: string;
  /**
   * `call`: a tools/call; `access`: a resource read or subscription, a prompt get, a completion;
   * `upstream_request`: an upstream's sampling, elicitation or roots request to the agent.
   * `pin`: a listed definition that differs from its pin (or has none); `scan`: one scanning finding.
   * Both are written once per change per session, when the list is read, not per call.
   */
  event: 'call' | 'approval' | 'access' | 'upstream_request' | 'pin' | 'scan';
  agent: string;
  environment: string;
  session: string;
  /**
   * `server/tool`, or the exposed name when the catalog did not know it; for an access
   * `resource:server/uri` or `prompt:server/name`; for an upstream request `server/method`.
   */
  tool: string;
  /** The MCP method, for access and upstream_request records (`resources/read`, `sampling/createMessage`). */
  method?: string;
  /** sha256 of the canonical JSON of the arguments (sorted keys). */
  args_sha256: string;
  /** The arguments with secret-looking values redacted. */
  args: unknown;
  decision: Verdict;
  reasons: Reason[];
  /** `flagged`: a pin or scan record (what its calls get is in `decision`: allow for a warning). */
  outcome: 'ok' | 'error' | 'denied' | 'asked' | 'approved' | 'expired' | 'cancelled' | 'flagged';
  error?: string;
  duration_ms: number;
  /** For a forwarded call: the part of `duration_ms` spent in the upstream server (metrics tell gateway overhead from it). */
  upstream_ms?: number;
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
  /** For a pin record: what drifted. `tool` is `server/name` (`prompt:…`, `resource-template:…`, `instructions:server`). */
  pin?: {
    kind: 'tool' | 'prompt' | 'resource-template' | 'instructions';
    state: 'changed' | 'new';
    /** The changed top-level fields of the definition. */
    fields?: string[];
    digest: string;
    pinned_digest?: string;
    /** Where the pins come from: `lockfile PATH` or `state PATH` (trust on first use). */
    source: string;
  };
  /** For a scan record: the finding. */
  finding?: { rule: string; field: string; message: string; excerpt?: string };
}

/** Where audit records go. */
export interface AuditSink {
  /**
   * Resolves once the record is stored (for the JSONL file: its write(2) has returned). The pipeline
   * answers a call only after that, so an answered call always has its record. Never rejects: a
   * failed write is reported to the operator. A sink whose records are required (`audit.required`,
   * the PostgreSQL store's default) resolves with the failure instead, and the pipeline then refuses
   * the call rather than answer it unaudited.
   */
  write(record: AuditRecord): Promise<void | AuditFailure>;
  /**
   * Asked before a call is forwarded: rejects with the reason when records cannot be stored now, so a
   * call whose record would be lost is never forwarded. Absent: every call is admitted.
   */
  admit?(): Promise<void>;
  /** Flushes and closes; idempotent. */
  close(): Promise<void>;
}

/** A required record that could not be stored: the call it is about must not be answered. */
export type AuditFailure = WardenError;
