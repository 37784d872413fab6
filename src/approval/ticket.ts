// Making tickets and recording answers on them. Ids are 128 random bits so that nobody can guess a
// pending ticket's id; they are checked against a strict pattern before they ever reach a file name.
import { randomBytes } from 'node:crypto';
import { digestArguments } from './digest.js';
import { currentOwner } from './gateway-owner.js';
import type { ApprovalRequest, ClientIdentity, Ticket, TicketAnswer, TicketView } from './types.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_PATTERN = /^[a-z2-7]{26}$/;

/** A new unguessable ticket id: 128 random bits as 26 lower-case base32 characters. */
export function newTicketId(): string {
  const bytes = randomBytes(17); // 136 bits; 26 characters use 130 of them
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let id = '';
  for (let i = 0; i < 26; i++) {
    id += BASE32[Number(bits & 31n)];
    bits >>= 5n;
  }
  return id;
}

/** Whether `id` has the shape of a ticket id (and so is safe in a file name). */
export function isTicketId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** A pending ticket for `req`, expiring `timeoutMs` after `now`; `client` is the agent's client, when known. */
export function createTicket(req: ApprovalRequest, options: { now: number; timeoutMs: number; client?: ClientIdentity }): Ticket {
  return {
    id: newTicketId(),
    agent: req.agent,
    session: req.session,
    environment: req.environment,
    server: req.server,
    tool: req.tool,
    arguments: req.arguments,
    argumentsSha256: digestArguments(req.arguments),
    reasons: req.reasons,
    ...(req.workingDir === undefined ? {} : { workingDir: req.workingDir }),
    ...(req.definition === undefined ? {} : { definition: req.definition }),
    ...(options.client ? { client: { name: options.client.name, version: options.client.version } } : {}),
    createdAt: options.now,
    expiresAt: options.now + options.timeoutMs,
    state: 'pending',
    owner: currentOwner(),
  };
}

/** The ticket with `answer` recorded on it. */
export function withAnswer(ticket: TicketView, answer: TicketAnswer, at: number): Ticket {
  return {
    ...ticket,
    state: answer.state,
    channel: answer.channel,
    decidedAt: at,
    ...(answer.by === undefined ? {} : { answeredBy: answer.by }),
    ...(answer.reason === undefined ? {} : { decisionReason: answer.reason }),
    ...(answer.state === 'approved' && answer.remember ? { remember: true } : {}),
    ...(answer.state === 'approved' && answer.trust ? { trust: true } : {}),
  };
}

/** `server/tool` of a ticket. */
export function qualifiedTool(ticket: Pick<TicketView, 'server' | 'tool'>): string {
  return `${ticket.server}/${ticket.tool}`;
}

/** Milliseconds as a short human duration: `950ms`, `42s`, `2m`, `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
}

/** The answer a store records: an approve or deny that arrives after the expiry records the expiry instead. */
export function answerToRecord(ticket: TicketView, answer: TicketAnswer, now: number): { answer: TicketAnswer; late: boolean } {
  const human = answer.state === 'approved' || answer.state === 'denied';
  if (human && now >= ticket.expiresAt) {
    return { answer: { state: 'expired', channel: 'timeout', reason: expiryReason(ticket) }, late: true };
  }
  return { answer, late: false };
}

/** Why a ticket expired, for the agent and the audit log. */
export function expiryReason(ticket: Pick<TicketView, 'createdAt' | 'expiresAt'>): string {
  return `No one answered within ${formatDuration(ticket.expiresAt - ticket.createdAt)}`;
}

/** One sentence saying how a decided ticket was decided, e.g. `approved via console by "alice"`. */
export function describeDecision(ticket: TicketView): string {
  const via = ticket.channel ? ` via ${ticket.channel}` : '';
  const by = ticket.answeredBy ? ` by "${ticket.answeredBy}"` : '';
  const why = ticket.decisionReason ? ` (${ticket.decisionReason})` : '';
  return `${ticket.state}${via}${by}${why}`;
}
