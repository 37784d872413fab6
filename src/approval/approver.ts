// The approver the call pipeline waits on: it opens a ticket in the shared store, reaches every
// channel at once and resolves with whichever answer the store recorded first. Timeout, cancellation
// and channel failures are answers too, so they race through the same single-winner store.
import type { ApprovalConfig, WebhookConfig } from '../config/types.js';
import { answerFromElicitation, elicitationParams } from './elicitation.js';
import { RememberedApprovals } from './remembered.js';
import { createTicket, describeDecision, expiryReason, withAnswer } from './ticket.js';
import type {
  ApprovalEvent,
  ApprovalEvents,
  ApprovalOutcome,
  ApprovalRequest,
  ApprovalRequestOptions,
  Approver,
  Clock,
  Ticket,
  TicketAnswer,
  TicketStore,
  TicketView,
} from './types.js';
import { postWebhook } from './webhook.js';

export interface CreateApproverOptions {
  /** `--non-interactive`, or CI=true with no channel: every ask resolves at once to `config.nonInteractive`. */
  nonInteractive: boolean;
  store: TicketStore;
  events?: ApprovalEvents;
  clock?: Clock;
  /** The console's base URL (`http://127.0.0.1:8788/approvals`) for webhook links; a function when known only later. */
  consoleUrl?: string | (() => string | undefined);
}

/** What a call waiting for approval is told when its gateway stops. */
const SHUTTING_DOWN = 'The gateway shut down while the call waited for approval';

/** How many calls of one agent may wait for approval at once in one gateway, unless configured. */
export const DEFAULT_MAX_PENDING_PER_AGENT = 20;

/** The approver for one gateway process; the store may be shared with other processes. */
export function createApprover(config: ApprovalConfig, options: CreateApproverOptions): Approver {
  return new TicketApprover(config, options);
}

class TicketApprover implements Approver {
  #config: ApprovalConfig;
  #options: CreateApproverOptions;
  #clock: Clock;
  #remembered = new RememberedApprovals();
  #pending = new Map<string, { withdraw(reason: string): void; done: Promise<ApprovalOutcome> }>();
  /** Open tickets per agent, counted from before the ticket is saved, so a burst cannot slip past the cap. */
  #openByAgent = new Map<string, number>();
  /** Every request not yet resolved, so that close() waits until each has its answer. */
  #requests = new Set<Promise<ApprovalOutcome>>();
  #closed = false;

  constructor(config: ApprovalConfig, options: CreateApproverOptions) {
    this.#config = config;
    this.#options = options;
    this.#clock = options.clock ?? Date;
  }

  request(req: ApprovalRequest, options: ApprovalRequestOptions): Promise<ApprovalOutcome> {
    const request = this.#request(req, options);
    this.#requests.add(request);
    const forget = (): void => void this.#requests.delete(request);
    request.then(forget, forget);
    return request;
  }

  async #request(req: ApprovalRequest, options: ApprovalRequestOptions): Promise<ApprovalOutcome> {
    const started = this.#clock.now();
    const ticket = createTicket(req, { now: started, timeoutMs: this.#config.timeoutMs });

    const remembered = this.#remembered.find(req, ticket.argumentsSha256);
    if (remembered) return remembered;
    if (options.signal?.aborted || this.#closed) {
      const reason = this.#closed ? SHUTTING_DOWN : 'The agent cancelled the call before approval was asked';
      return this.#settleUnstored(ticket, { state: 'withdrawn', channel: 'cancelled', reason }, started);
    }
    if (this.#options.nonInteractive) return this.#nonInteractive(ticket, started);

    // The agent's or the environment's channels when set: elicitation is only as trustworthy as the
    // agent's client, so prod or CI can leave it out for everyone there.
    const configured = options.channels ?? this.#config.channels;
    const elicit = configured.includes('elicitation') ? options.elicit : undefined;
    const webhooks = this.#webhooks(configured, options.webhooks);
    const channels = new Set<string>();
    if (elicit) channels.add('elicitation');
    if (configured.includes('console')) channels.add('console');
    webhooks.forEach((_hook, i) => channels.add(`webhook ${i + 1}`));
    if (channels.size === 0) {
      return this.#settleUnstored(ticket, { state: 'denied', channel: 'none', reason: this.#unreachableReason(configured, options) }, started);
    }

    // One agent opening hundreds of tickets at once would bury the ones a person must see.
    const cap = this.#config.maxPendingPerAgent ?? DEFAULT_MAX_PENDING_PER_AGENT;
    const open = this.#openByAgent.get(req.agent) ?? 0;
    if (open >= cap) {
      const reason =
        `Approval needed but agent "${req.agent}" already has ${open} call${open === 1 ? '' : 's'} waiting for approval, ` +
        `the most approval.max_pending_per_agent allows (${cap}); denied. Wait for those to be answered, or cancel some`;
      return this.#settleUnstored(ticket, { state: 'denied', channel: 'none', reason }, started);
    }
    this.#openByAgent.set(req.agent, open + 1);
    try {
      try {
        await this.#options.store.create(ticket);
      } catch (error) {
        const reason = `Approval needed but the approval ticket could not be saved (${(error as Error).message}); denied`;
        return this.#settleUnstored(ticket, { state: 'denied', channel: 'none', reason }, started);
      }
      this.#emit({ type: 'asked', ticket });
      return await this.#wait(ticket, { ...options, elicit, webhooks, channels, started });
    } finally {
      const left = (this.#openByAgent.get(req.agent) ?? 1) - 1;
      if (left > 0) this.#openByAgent.set(req.agent, left);
      else this.#openByAgent.delete(req.agent);
    }
  }

  forgetSession(session: string): void {
    this.#remembered.forget(session);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wait of this.#pending.values()) wait.withdraw(SHUTTING_DOWN);
    // Requests still saving their ticket see #closed once they start waiting, and withdraw themselves.
    await Promise.allSettled([...this.#requests]);
    this.#remembered.clear();
  }

  #wait(
    ticket: Ticket,
    options: Omit<ApprovalRequestOptions, 'channels'> & { webhooks: WebhookConfig[]; channels: Set<string>; started: number },
  ): Promise<ApprovalOutcome> {
    const { store } = this.#options;
    const { signal, elicit, webhooks, channels, started } = options;
    const channelsAbort = new AbortController();
    // Its own: aborting a prompt the agent already answered would send it a stray cancel.
    const elicitAbort = new AbortController();
    let elicitSettled = false;
    let settled = false;
    let resolveOutcome!: (outcome: ApprovalOutcome) => void;
    const done = new Promise<ApprovalOutcome>((resolve) => (resolveOutcome = resolve));

    const finish = (decided: TicketView): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatching();
      signal?.removeEventListener('abort', onAbort);
      channelsAbort.abort();
      // The reason travels in notifications/cancelled, so the person sees why the prompt went away.
      if (!elicitSettled) elicitAbort.abort(decided.decisionReason ?? `Answered elsewhere: ${describeDecision(decided)}`);
      this.#pending.delete(ticket.id);
      const outcome = this.#outcome(ticket, decided, started);
      // Whoever holds the agent's client answers a prompt; the audit names that client, not a person.
      if (outcome.channel === 'elicitation' && options.client) outcome.client = { name: options.client.name, version: options.client.version };
      if (outcome.approved && outcome.remember) this.#remembered.add(ticket, outcome);
      this.#emit({ type: eventType(decided), ticket: decided, outcome });
      resolveOutcome(outcome);
    };
    // Every way a wait ends goes through the store, so a human answering at the same instant as the
    // timeout or the agent's cancel either wins completely or loses completely.
    const answer = (proposed: TicketAnswer): void => {
      if (settled) return;
      store.decide(ticket.id, proposed).then(
        (result) => finish('ticket' in result ? result.ticket : withAnswer(ticket, proposed, this.#clock.now())),
        (error: Error) => finish(withAnswer(ticket, { state: 'denied', channel: 'none', reason: `The approval store failed (${error.message})` }, this.#clock.now())),
      );
    };
    const channelFailed = (channel: string, error: unknown): void => {
      if (settled) return;
      const message = error instanceof Error ? error.message : String(error);
      this.#emit({ type: 'channel-error', ticket, channel: channel.replace(/ \d+$/, ''), error: message });
      channels.delete(channel);
      if (channels.size === 0) answer({ state: 'denied', channel: 'none', reason: `No approval channel could reach a person (${message})` });
    };
    const onAbort = (): void => answer({ state: 'withdrawn', channel: 'cancelled', reason: 'The agent cancelled the call while it waited for approval' });

    const stopWatching = store.watch(ticket.id, finish);
    const timer = setTimeout(
      () => answer({ state: 'expired', channel: 'timeout', reason: expiryReason(ticket) }),
      // setTimeout fires at once for delays past 2^31-1 ms; nobody waits 24 days for an approval anyway.
      Math.min(Math.max(0, ticket.expiresAt - this.#clock.now()), 2_147_483_647),
    );
    this.#pending.set(ticket.id, { withdraw: (reason) => answer({ state: 'withdrawn', channel: 'cancelled', reason }), done });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    // close() came while the ticket was being saved: it withdrew the waits it could see, not this one.
    if (this.#closed) answer({ state: 'withdrawn', channel: 'cancelled', reason: SHUTTING_DOWN });

    if (elicit) {
      elicit(elicitationParams(ticket), elicitAbort.signal).then(
        (result) => {
          elicitSettled = true;
          answer(answerFromElicitation(result));
        },
        (error: unknown) => {
          elicitSettled = true;
          channelFailed('elicitation', new Error(`The approval prompt failed: ${(error as Error)?.message ?? String(error)}`));
        },
      );
    }
    const consoleUrl = typeof this.#options.consoleUrl === 'function' ? this.#options.consoleUrl() : this.#options.consoleUrl;
    webhooks.forEach((hook, i) => {
      postWebhook(hook, ticket, { now: this.#clock.now(), signal: channelsAbort.signal, ...(consoleUrl ? { consoleUrl } : {}) }).catch((error) =>
        channelFailed(`webhook ${i + 1}`, error),
      );
    });
    return done;
  }

  #outcome(ticket: Ticket, decided: TicketView, started: number): ApprovalOutcome {
    // Bound to this call: an answer for any other ticket or other arguments never approves it.
    const approved = decided.state === 'approved' && decided.id === ticket.id && decided.argumentsSha256 === ticket.argumentsSha256;
    const channel = decided.channel ?? 'none';
    const by = decided.answeredBy;
    const outcome: ApprovalOutcome = {
      approved,
      ticketId: ticket.id,
      channel,
      reason: outcomeReason(decided, approved),
      durationMs: Math.max(0, this.#clock.now() - started),
      ...(by ? { by } : {}),
      ...(approved && decided.remember ? { remember: true } : {}),
    };
    return outcome;
  }

  #nonInteractive(ticket: Ticket, started: number): ApprovalOutcome {
    const allow = this.#config.nonInteractive === 'allow';
    const why = '--non-interactive, or CI=true with no approval channel configured';
    const reason = `Approval needed but mcp-warden runs non-interactively (${why}); ${allow ? 'allowed by approval.non_interactive: allow' : 'denied'}`;
    return this.#settleUnstored(ticket, { state: allow ? 'approved' : 'denied', channel: 'non-interactive', reason }, started);
  }

  /** Ends a request that never reached the store, still telling the audit log about it. */
  #settleUnstored(ticket: Ticket, answer: TicketAnswer, started: number): ApprovalOutcome {
    const decided = withAnswer(ticket, answer, this.#clock.now());
    const outcome = this.#outcome(ticket, decided, started);
    this.#emit({ type: 'asked', ticket });
    this.#emit({ type: eventType(decided), ticket: decided, outcome });
    return outcome;
  }

  #webhooks(configured: ApprovalConfig['channels'], fromRequest: WebhookConfig[] = []): WebhookConfig[] {
    const all = [...(configured.includes('webhook') && this.#config.webhook ? [this.#config.webhook] : []), ...fromRequest];
    const seen = new Set<string>();
    return all.filter((hook) => !seen.has(hook.url) && seen.add(hook.url));
  }

  #unreachableReason(configured: ApprovalConfig['channels'], options: ApprovalRequestOptions): string {
    const detail =
      configured.length === 0 ? 'approval.channels is empty'
      : configured.includes('elicitation') && !options.elicit ? `approval.channels is [${configured.join(', ')}] and the agent's client does not support elicitation`
      : `approval.channels is [${configured.join(', ')}] and no webhook URL is configured`;
    return `Approval needed but no approval channel can reach a person (${detail}); denied`;
  }

  #emit(event: ApprovalEvent): void {
    try {
      this.#options.events?.onEvent?.(event);
    } catch {
      // The audit sink's failure is its own to report; it must not decide a call.
    }
  }
}

function eventType(ticket: TicketView): ApprovalEvent['type'] {
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
