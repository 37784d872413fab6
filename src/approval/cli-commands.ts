// What `mcp-warden approvals list | approve | deny` do, working on the shared store directly so they
// reach every running gateway of this user. The CLI parses argv and prints `text`.
import { userInfo } from 'node:os';
import { WardenError } from '../errors.js';
import { readConsoleAddress } from './console-state.js';
import { ORPHANED, openFileTicketStore } from './file-store.js';
import { describeDecision, formatDuration, qualifiedTool } from './ticket.js';
import { printable } from '../audit/describe.js';
import type { Clock, TicketAnswer, TicketStore, TicketView } from './types.js';

export interface ApprovalsCliOptions {
  /** The store to use; default the file store of the approvals directory. */
  store?: TicketStore;
  /** The state directory (default `$MCP_WARDEN_STATE_DIR` or `~/.mcp-warden`). */
  stateDir?: string;
  /** The approvals directory itself, overriding `stateDir`. */
  dir?: string;
  /** Who answers, for the audit log; default the OS user name. */
  by?: string;
  /**
   * The consoles of the gateways running now (from the status registry); when none is given, the
   * recorded console address, if the gateway that recorded it still runs.
   */
  consoles?: string[];
  clock?: Clock;
}

export interface ApprovalsListing {
  pending: TicketView[];
  /** Tickets whose gateway is gone (crashed, killed), newest first: withdrawn, never answerable. */
  orphaned: TicketView[];
  history: TicketView[];
  consoleUrl?: string;
  /** Every live console (any of them answers any ticket). */
  consoles: string[];
  /** Ready to print. */
  text: string;
}

export interface AnswerResult {
  ticket: TicketView;
  /** Ready to print. */
  text: string;
}

const HISTORY_SHOWN = 10;

/** Pending tickets (oldest first) and recent decisions of every gateway sharing the store. */
export async function listApprovals(opts: ApprovalsCliOptions = {}): Promise<ApprovalsListing> {
  return withStore(opts, async (store) => {
    const now = (opts.clock ?? Date).now();
    const tickets = await store.list();
    const pending = tickets.filter((t) => t.state === 'pending').sort((a, b) => a.createdAt - b.createdAt);
    const decided = tickets.filter((t) => t.state !== 'pending').sort((a, b) => (b.decidedAt ?? 0) - (a.decidedAt ?? 0));
    // Listing is also the clean-up: the store withdraws a pending ticket whose gateway is gone.
    const orphaned = decided.filter((t) => t.channel === ORPHANED);
    const history = decided.filter((t) => t.channel !== ORPHANED);
    const recorded = opts.consoles?.length || opts.store ? undefined : await readConsoleAddress(location(opts));
    const consoles = opts.consoles?.length ? opts.consoles : recorded ? [recorded] : [];
    const consoleUrl = consoles[0];
    const where = consoles.length === 0 ? '' : consoles.length === 1 ? ` (console: ${consoleUrl})` : ` (consoles: ${consoles.join(', ')})`;
    const lines = [pending.length === 0 ? 'No call is waiting for approval.' : `${pending.length} call${pending.length === 1 ? '' : 's'} waiting for approval${where}:`];
    for (const t of pending) {
      lines.push('', `${t.id}  ${qualifiedTool(t)}  agent "${t.agent}"  environment "${t.environment}"  denied in ${formatDuration(t.expiresAt - now)} without an answer`);
      for (const r of t.reasons) lines.push(`  why: ${r.message} (${r.rule}, ${r.source})`);
      lines.push(`  arguments (exactly as they will be forwarded, sha256 ${t.argumentsSha256.slice(0, 12)}…):`);
      lines.push(...JSON.stringify(t.arguments, null, 2).split('\n').map((line) => `    ${line}`));
      if (t.definition) lines.push(...definitionLines(t.definition));
      lines.push(`  mcp-warden approvals approve ${t.id} [--remember]${t.definition ? ' [--trust]' : ''}  |  mcp-warden approvals deny ${t.id} --reason TEXT`);
    }
    if (orphaned.length > 0) {
      lines.push('', 'Orphaned (the gateway that asked is no longer running, so nobody waits for the call; withdrawn):');
      for (const t of orphaned.slice(0, HISTORY_SHOWN)) {
        lines.push(`  ${t.id}  ${qualifiedTool(t)}  agent "${t.agent}"  gateway pid ${t.owner?.pid ?? '?'}  asked ${new Date(t.createdAt).toISOString()}`);
      }
    }
    if (history.length > 0) {
      lines.push('', 'Recent decisions:');
      for (const t of history.slice(0, HISTORY_SHOWN)) {
        lines.push(`  ${new Date(t.decidedAt ?? t.createdAt).toISOString()}  ${t.id}  ${qualifiedTool(t)}  agent "${t.agent}"  ${describeDecision(t)}`);
      }
    }
    return { pending, orphaned, history, ...(consoleUrl ? { consoleUrl } : {}), consoles, text: lines.join('\n') };
  });
}

/**
 * Approves a pending ticket (a unique prefix of its id will do); throws WardenError if it cannot.
 * `trust` (a ticket whose tool definition changed or was flagged) also makes that definition the pin.
 */
export async function approveTicket(id: string, opts: ApprovalsCliOptions & { remember?: boolean; trust?: boolean } = {}): Promise<AnswerResult> {
  const by = opts.by ?? currentUser();
  const result = await answer(id, { state: 'approved', channel: 'cli', ...(by ? { by } : {}), ...(opts.remember ? { remember: true } : {}), ...(opts.trust ? { trust: true } : {}) }, opts);
  if (!opts.trust) return result;
  if (!result.ticket.definition) return { ...result, text: `${result.text}\n--trust had no effect: this call's tool definition did not change and was not flagged.` };
  return { ...result, text: `${result.text}\nIts definition is trusted from now on in every session; run "mcp-warden pin" to write it to the lockfile.` };
}

/** What `approvals list` shows of a changed or flagged tool definition: the diff and the findings. */
function definitionLines(definition: NonNullable<TicketView['definition']>): string[] {
  const lines: string[] = [];
  if (definition.pin) {
    lines.push(definition.pin.state === 'new' ? '  definition: a new tool, not pinned:' : `  definition changed since it was pinned (${definition.pin.fields.join(', ')}):`);
    if (definition.pin.diff) lines.push(...definition.pin.diff.split('\n').map((line) => `    ${printable(line)}`));
  }
  for (const finding of definition.findings ?? []) {
    lines.push(`  scanning: ${finding.rule} in ${finding.field}: ${printable(finding.message)}${finding.excerpt ? ` (${printable(finding.excerpt)})` : ''}`);
  }
  return lines;
}

/** Denies a pending ticket, with an optional reason that reaches the agent. */
export async function denyTicket(id: string, deny: { reason?: string }, opts: ApprovalsCliOptions = {}): Promise<AnswerResult> {
  const by = opts.by ?? currentUser();
  return answer(id, { state: 'denied', channel: 'cli', ...(by ? { by } : {}), reason: deny.reason?.trim() || 'No reason given' }, opts);
}

async function answer(id: string, proposed: TicketAnswer, opts: ApprovalsCliOptions): Promise<AnswerResult> {
  return withStore(opts, async (store) => {
    const fullId = await resolveId(store, id.trim());
    const result = await store.decide(fullId, proposed);
    if (result.ok) {
      const t = result.ticket;
      return { ticket: t, text: `Ticket ${t.id} (${qualifiedTool(t)}, agent "${t.agent}") ${describeDecision(t)}.` };
    }
    if (result.problem === 'unknown') throw unknownTicket(id);
    // A prefix is resolved through a listing, which has already withdrawn an orphaned ticket.
    if (result.problem === 'orphaned' || (result.problem === 'decided' && result.ticket.channel === ORPHANED)) {
      const pid = result.ticket.owner?.pid;
      throw new WardenError(
        'APPROVAL_ORPHANED',
        `Ticket "${fullId}" was not ${proposed.state}: the gateway that asked (pid ${pid ?? '?'}) is no longer running, so nobody waits for this call; nothing was recorded. "mcp-warden approvals list" withdraws such tickets`,
      );
    }
    if (result.problem === 'expired') throw new WardenError('APPROVAL_EXPIRED', `Ticket "${fullId}" expired before this answer arrived; the call was denied`);
    throw new WardenError('BAD_INPUT', `Ticket "${fullId}" was already decided: ${describeDecision(result.ticket)}`);
  });
}

/** A full id, or the one ticket whose id starts with `id` (at least 4 characters). */
async function resolveId(store: TicketStore, id: string): Promise<string> {
  if (!/^[a-z2-7]{4,26}$/i.test(id)) throw unknownTicket(id);
  const lower = id.toLowerCase();
  if (lower.length === 26) return lower;
  const matches = (await store.list()).filter((t) => t.id.startsWith(lower));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) throw unknownTicket(id);
  throw new WardenError('BAD_INPUT', `Ticket id "${id}" is ambiguous: it starts ${matches.length} tickets; give more characters`);
}

function unknownTicket(id: string): WardenError {
  return new WardenError('BAD_INPUT', `No approval ticket "${id}": it does not exist or was removed from the history; run "mcp-warden approvals list" to see pending tickets`);
}

async function withStore<T>(opts: ApprovalsCliOptions, fn: (store: TicketStore) => Promise<T>): Promise<T> {
  if (opts.store) return fn(opts.store);
  const store = await openFileTicketStore(location(opts));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function location(opts: ApprovalsCliOptions): { dir?: string; stateDir?: string } {
  return opts.dir ? { dir: opts.dir } : opts.stateDir ? { stateDir: opts.stateDir } : {};
}

function currentUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
