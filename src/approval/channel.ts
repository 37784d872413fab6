// The seam between the approver and the ways of reaching a person about an "ask" call. A channel only
// proposes answers; the approver records them in the ticket store, where the first answer from any
// channel or process wins, so a new channel (Slack buttons, a pager) is a new file, not an approver edit.
import type { ApprovalRequestOptions, TicketAnswer, TicketView } from './types.js';

/** What a channel learns about one request when the approver asks whether it applies. */
export interface ChannelRequest {
  /** The channel names configured for this agent in this environment (`approval.channels`, or the agent's or the environment's). */
  configured: readonly string[];
  /** What the gateway passed with the request: the client's elicit function, webhooks, the client's identity. */
  options: ApprovalRequestOptions;
}

/** A human's answer as a channel proposes it; the approver names the channel, and only it times out or withdraws. */
export type ChannelAnswer = Omit<TicketAnswer, 'state' | 'channel'> & { state: 'approved' | 'denied' };

/** How an open channel talks back to the approver for one ticket; every method is safe to call after the ticket is decided. */
export interface ChannelContext {
  readonly request: ChannelRequest;
  /** Proposes an answer; the store records it only if it is the first for the ticket. */
  answer(answer: ChannelAnswer): void;
  /** This channel can no longer reach a person for the ticket (audited as a channel error); with no channel left, the call is denied. */
  fail(error: Error): void;
  /** Part of this channel failed (one of several webhooks) but it still reaches someone: audited as a channel error only. */
  report(error: Error): void;
  /** The approver's clock, in milliseconds since the epoch. */
  now(): number;
}

/** One ticket opened on one channel. */
export interface ChannelHandle {
  /**
   * Stops reaching a person (withdraws a prompt, aborts a post) because the ticket was decided here or
   * elsewhere, or the call was cancelled, timed out or the gateway is shutting down. Called once, after
   * the answer is recorded; `reason` says why, for a person still looking at the prompt.
   */
  withdraw(reason: string): void;
}

/** A way of reaching a person; one instance serves every request of a gateway. */
export interface ApprovalChannel {
  /** The channel's name in `approval.channels`, in channel-error events and as the answering channel in the audit. */
  readonly name: string;
  /** Whether this channel can reach a person for this request: configured for the agent, and possible (a client that elicits, a webhook URL). */
  applies(request: ChannelRequest): boolean;
  /** Starts reaching a person about the saved, pending ticket; answers and failures go back through `context`, never as throws. */
  open(ticket: TicketView, context: ChannelContext): ChannelHandle;
}
