// The fields every audit record of one agent request starts with: when, who, in which session, and
// the exact arguments (digest of what the upstream receives, redacted copy for people).
import { randomUUID } from 'node:crypto';
import { digestArguments, redact } from '../audit/canonical.js';
import type { AuditRecord } from '../audit/types.js';
import type { SessionIdentity } from './ports.js';

export type AuditHead = Pick<AuditRecord, 'time' | 'decision_id' | 'agent' | 'environment' | 'session' | 'args_sha256' | 'args'>;

/** A fresh head for a record about `args`, sent by the session's agent or to it. */
export function auditHead(session: SessionIdentity, args: unknown): AuditHead {
  return {
    time: new Date().toISOString(),
    decision_id: randomUUID(),
    agent: session.agent,
    environment: session.environment,
    session: session.id,
    args_sha256: digestArguments(args),
    args: redact(args),
  };
}
