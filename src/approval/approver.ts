// The approver the call pipeline waits on: it opens a ticket in the shared store, opens it on every
// channel that applies (see channel.ts) and resolves with whichever answer the store recorded first.
// Timeout, cancellation and channel failures are answers too, so they race through the same
// single-winner store.
import type { ApprovalConfig } from '../config/types.js';
import type { ApprovalChannel, ChannelRequest } from './channel.js';
import { builtInChannels } from './channels/built-in.js';
import { nonInteractiveAnswer, unreachableAnswer } from './no-channel.js';
import { channelsFor, openChannels } from './open-channels.js';
import { eventType, outcomeOf } from './outcome.js';
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
  ClientIdentity,
  Ticket,
  TicketAnswer,
  TicketStore,
  TicketView,
} from './types.js';

export interface CreateApproverOptions {
  /** `--non-interactive`, or CI=true with no channel: every ask resolves at once to `config.nonInteractive`. */
  nonInteractive: boolean;
  store: TicketStore;
  events?: ApprovalEvents;
  clock?: Clock;
  /** The console's base URL (`http://127.0.0.1:8788/approvals`) for webhook links; a function when known only later. */
  consoleUrl?: string | (() => string | undefined);
  /** The channels to open tickets on, in order; default `builtInChannels(config)` (elicitation, console, webhook). */
  channels?: ApprovalChannel[];
}

/** What one wait needs beyond its ticket: the channels that apply and what they were chosen for. */
interface WaitOptions {
  signal?: AbortSignal;
  client?: ClientIdentity;
  request: ChannelRequest;
  channels: ApprovalChannel[];
  started: number;
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
  #channels: ApprovalChannel[];
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
    this.#channels = options.channels ?? builtInChannels(config, options.consoleUrl ? { consoleUrl: options.consoleUrl } : {});
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
    const ticket = createTicket(req, { now: started, timeoutMs: this.#config.timeoutMs, ...(options.client ? { client: options.client } : {}) });

    const remembered = this.#remembered.find(req, ticket.argumentsSha256);
    if (remembered) return remembered;
    if (options.signal?.aborted || this.#closed) {
      const reason = this.#closed ? SHUTTING_DOWN : 'The agent cancelled the call before approval was asked';
      return this.#settleUnstored(ticket, { state: 'withdrawn', channel: 'cancelled', reason }, started);
    }
    if (this.#options.nonInteractive) return this.#settleUnstored(ticket, nonInteractiveAnswer(this.#config.nonInteractive), started);

    // The agent's or the environment's channels when set: elicitation is only as trustworthy as the
    // agent's client, so prod or CI can leave it out for everyone there.
    const configured = options.channels ?? this.#config.channels;
    const request: ChannelRequest = { configured, options };
    const channels = channelsFor(this.#channels, request);
    if (channels.length === 0) {
      return this.#settleUnstored(ticket, unreachableAnswer(configured, options), started);
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
      return await this.#wait(ticket, { ...(options.signal ? { signal: options.signal } : {}), ...(options.client ? { client: options.client } : {}), request, channels, started });
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

  #wait(ticket: Ticket, options: WaitOptions): Promise<ApprovalOutcome> {
    const { store } = this.#options;
    const { signal, client, request, channels, started } = options;
    let settled = false;
    let resolveOutcome!: (outcome: ApprovalOutcome) => void;
    const done = new Promise<ApprovalOutcome>((resolve) => (resolveOutcome = resolve));

    const finish = (decided: TicketView): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatching();
      signal?.removeEventListener('abort', onAbort);
      // The reason reaches a prompt still on screen, so the person sees why it went away.
      opened.withdraw(decided.decisionReason ?? `Answered elsewhere: ${describeDecision(decided)}`);
      this.#pending.delete(ticket.id);
      const outcome = outcomeOf(ticket, decided, this.#clock.now() - started);
      // Whoever holds the agent's client answers a prompt; the audit names that client, not a person.
      if (outcome.channel === 'elicitation' && client) outcome.client = { name: client.name, version: client.version };
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

    // Like stopWatching and timer, used by finish() only on a later turn: the store answers asynchronously.
    const opened = openChannels(ticket, channels, {
      request,
      answer,
      channelError: (channel, error) => this.#emit({ type: 'channel-error', ticket, channel, error }),
      decided: () => settled,
      now: () => this.#clock.now(),
    });
    return done;
  }

  /** Ends a request that never reached the store, still telling the audit log about it. */
  #settleUnstored(ticket: Ticket, answer: TicketAnswer, started: number): ApprovalOutcome {
    const decided = withAnswer(ticket, answer, this.#clock.now());
    const outcome = outcomeOf(ticket, decided, this.#clock.now() - started);
    this.#emit({ type: 'asked', ticket });
    this.#emit({ type: eventType(decided), ticket: decided, outcome });
    return outcome;
  }

  #emit(event: ApprovalEvent): void {
    try {
      this.#options.events?.onEvent?.(event);
    } catch {
      // The audit sink's failure is its own to report; it must not decide a call.
    }
  }
}
