// Approval events (asked, answered, expired, cancelled, a channel failing) as audit records, so the
// log says who answered, through which channel, and how long it took. Linked to the call's own
// record by the ticket id.
import type { ApprovalEvent, ApprovalEvents } from '../approval/types.js';
import { redact } from '../audit/canonical.js';
import type { AuditRecord, AuditSink } from '../audit/types.js';

export function approvalAuditor(audit: AuditSink): ApprovalEvents {
  return {
    onEvent(event: ApprovalEvent) {
      const { ticket, outcome } = event;
      const record: AuditRecord = {
        time: new Date().toISOString(),
        decision_id: ticket.id,
        event: 'approval',
        agent: ticket.agent,
        environment: ticket.environment,
        session: ticket.session,
        tool: `${ticket.server}/${ticket.tool}`,
        args_sha256: ticket.argumentsSha256,
        args: redact(ticket.arguments),
        decision: outcome ? (outcome.approved ? 'allow' : 'deny') : 'ask',
        reasons: [...ticket.reasons],
        outcome: outcomeOf(event),
        duration_ms: outcome?.durationMs ?? 0,
        ...(event.error ? { error: `${event.channel ?? 'channel'}: ${event.error}` } : {}),
        ...(outcome
          ? {
              approval: {
                ticket: ticket.id,
                channel: outcome.channel,
                ...(outcome.by ? { by: outcome.by } : {}),
                waited_ms: outcome.durationMs,
                reason: outcome.reason,
                ...(outcome.client ? { client: { ...outcome.client } } : {}),
              },
            }
          : {}),
      };
      // Not awaited: an approval event answers no call; the call's own record is awaited by the pipeline.
      void audit.write(record);
    },
  };
}

function outcomeOf(event: ApprovalEvent): AuditRecord['outcome'] {
  switch (event.type) {
    case 'asked':
      return 'asked';
    case 'answered':
      return event.outcome?.approved ? 'approved' : 'denied';
    case 'expired':
      return 'expired';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'error';
  }
}
