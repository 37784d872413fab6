// How a decided ticket reads to the call that waited on it: the outcome the gateway enforces and
// audits, and the event type the audit log records.
import { expiryReason } from './ticket.js';
import type { ApprovalEvent, ApprovalOutcome, Ticket, TicketView } from './types.js';

/** The outcome of `ticket` as `decided`; approved only for an approval bound to this very ticket and its arguments. */
export function outcomeOf(ticket: Ticket, decided: TicketView, durationMs: number): ApprovalOutcome {
  // Bound to this call: an answer for any other ticket or other arguments never approves it.
  const approved = decided.state === 'approved' && decided.id === ticket.id && decided.argumentsSha256 === ticket.argumentsSha256;
  const by = decided.answeredBy;
  return {
    approved,
    ticketId: ticket.id,
    channel: decided.channel ?? 'none',
    reason: outcomeReason(decided, approved),
    durationMs: Math.max(0, durationMs),
    ...(by ? { by } : {}),
    ...(approved && decided.remember ? { remember: true } : {}),
    ...(approved && decided.trust ? { trust: true } : {}),
  };
}

/** The audit event a decided ticket ends with. */
export function eventType(ticket: TicketView): ApprovalEvent['type'] {
  if (ticket.state === 'expired') return 'expired';
  if (ticket.state === 'withdrawn') return 'cancelled';
  return 'answered';
}

function outcomeReason(ticket: TicketView, approved: boolean): string {
  const by = ticket.answeredBy ? ` by ${ticket.answeredBy}` : '';
  const via = ticket.channel ? ` via ${ticket.channel}` : '';
  switch (ticket.state) {
    case 'approved':
      if (!approved) return 'The recorded approval does not match this call; denied';
      return ticket.channel === 'non-interactive' ? (ticket.decisionReason ?? 'Approved') : `Approved${by}${via}`;
    case 'denied':
      if (ticket.channel === 'non-interactive' || ticket.channel === 'none') return ticket.decisionReason ?? 'Denied';
      return `Denied${by}${via}${ticket.decisionReason ? `: ${ticket.decisionReason}` : ''}`;
    case 'expired':
      return `${ticket.decisionReason ?? expiryReason(ticket)}; denied`;
    case 'withdrawn':
      return ticket.decisionReason ?? 'The request was withdrawn';
    default:
      return 'The ticket is still pending; denied';
  }
}
