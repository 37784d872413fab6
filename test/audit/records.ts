// Audit records for the reader's tests, shaped as the gateway writes them (see a real log in
// test/cli/audit-command.test.ts).
import type { AuditRecord } from '../../src/audit/types.js';
import type { Reason } from '../../src/policy/types.js';

export function reason(decision: Reason['decision'], rule: string, source = 'gateway.yaml:9:5', layer: Reason['layer'] = 'name'): Reason {
  return { layer, decision, rule, source, message: `${rule} decided ${decision}` };
}

/** A call record at `time` (minutes and seconds after 09:00 UTC, `MM:SS`). */
export function record(time: string, fields: Partial<AuditRecord> = {}): AuditRecord {
  return {
    time: `2026-01-31T09:${time}.123Z`,
    decision_id: `id-${time}`,
    event: 'call',
    agent: 'claude-code',
    environment: 'dev',
    session: 's1',
    tool: 'fs/read_file',
    args_sha256: 'abc',
    args: {},
    decision: 'allow',
    reasons: [reason('allow', 'allow: "fs/read*"')],
    outcome: 'ok',
    duration_ms: 1,
    ...fields,
  };
}
