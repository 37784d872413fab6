// How one audit record reads to a person: the rule that decided it and what happened, shared by
// `mcp-warden audit`'s table and `mcp-warden report`.
import type { Reason } from '../policy/types.js';
import type { AuditRecord } from './types.js';

/**
 * The reason that decided the record: the last one whose decision equals the record's (the layer
 * that set the final decision). A call denied after an ask has only ask reasons: then the last
 * reason, the rule that asked.
 */
export function decidingReason(record: AuditRecord): Reason | undefined {
  const same = record.reasons.filter((reason) => reason.decision === record.decision);
  return same.at(-1) ?? record.reasons.at(-1);
}

/** `rule (source)` of the deciding reason, else the record's error (`unknown tool`), else `-`. */
export function ruleText(record: AuditRecord): string {
  const reason = decidingReason(record);
  if (reason) return `${reason.rule} (${reason.source})`;
  return record.error ?? '-';
}

/** Whether a person was asked (or would have been, had a channel been able to ask one). */
export function wasAsked(record: AuditRecord): boolean {
  return record.decision === 'ask' || record.approval !== undefined || (record.reasons.some((r) => r.decision === 'ask') && !record.reasons.some((r) => r.decision === 'deny'));
}

/** Approval channels that end an ask without a person answering. */
const NOBODY = new Set(['non-interactive', 'timeout', 'cancelled', 'none']);

/** Who answered an ask and how: `alice via console`, `via elicitation`, `nobody (timeout)`, or `no answer`. */
export function answerText(record: AuditRecord): string {
  const approval = record.approval;
  if (!approval) return 'no answer';
  if (approval.by) return `${approval.by} via ${approval.channel}`;
  return NOBODY.has(approval.channel) ? `nobody (${approval.channel})` : `via ${approval.channel}`;
}

/** The outcome, with who answered for a call that waited for approval, and `ticket` for approval events. */
export function outcomeText(record: AuditRecord): string {
  // Pin and scan records say what was flagged; what the tool's calls get is their decision.
  if (record.event === 'pin') return `pin ${record.pin?.state ?? 'changed'}${record.pin?.fields?.length ? ` (${record.pin.fields.join(', ')})` : ''}`;
  if (record.event === 'scan') return `scan finding${record.finding ? ` ${record.finding.rule} in ${record.finding.field}` : ''}`;
  const outcome = record.event === 'approval' ? `ticket ${record.outcome}` : record.outcome;
  return record.approval ? `${outcome}: ${answerText(record)}` : outcome;
}

/**
 * Control and bidirectional-layout characters shown as `\uXXXX`: an unknown tool's name is chosen by
 * the agent, and an escape sequence in it must not drive the operator's terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
