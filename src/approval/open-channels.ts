// Opening one ticket on every channel that applies, and turning what the channels say back into
// answers for the store and channel-error events, so the approver races them without knowing any.
import type { ApprovalChannel, ChannelAnswer, ChannelContext, ChannelHandle, ChannelRequest } from './channel.js';
import type { TicketAnswer, TicketView } from './types.js';

/** The channels that can reach a person for `request`, in their configured order. */
export function channelsFor(channels: readonly ApprovalChannel[], request: ChannelRequest): ApprovalChannel[] {
  return channels.filter((channel) => {
    try {
      return channel.applies(request);
    } catch {
      // A channel that cannot tell reaches nobody: with no other channel the call is denied.
      return false;
    }
  });
}

export interface OpenChannelsOptions {
  request: ChannelRequest;
  /** Proposes an answer to the store; a no-op once the ticket is decided. */
  answer(answer: TicketAnswer): void;
  /** Audits a channel's failure; nothing was approved. */
  channelError(channel: string, message: string): void;
  /** Whether the ticket is decided: a channel failing after that is nobody's concern. */
  decided(): boolean;
  now(): number;
}

/** Opens `ticket` on each channel; when the last one fails, the ticket is denied. Returns how to withdraw it from all. */
export function openChannels(ticket: TicketView, channels: readonly ApprovalChannel[], options: OpenChannelsOptions): { withdraw(reason: string): void } {
  const handles: ChannelHandle[] = [];
  /** Channels that can still reach a person. */
  let live = channels.length;
  const contextFor = (channel: ApprovalChannel): ChannelContext => {
    let gone = false;
    const failed = (error: unknown, final: boolean): void => {
      if (gone || options.decided()) return;
      const message = error instanceof Error ? error.message : String(error);
      options.channelError(channel.name, message);
      if (!final) return;
      gone = true;
      if (--live === 0) options.answer({ state: 'denied', channel: 'none', reason: `No approval channel could reach a person (${message})` });
    };
    return {
      request: options.request,
      // A channel that said it cannot reach anyone has nobody left to answer for.
      answer: (proposed) => void (gone || options.answer(stamped(proposed, channel.name))),
      fail: (error) => failed(error, true),
      report: (error) => failed(error, false),
      now: () => options.now(),
    };
  };
  for (const channel of channels) {
    const context = contextFor(channel);
    try {
      handles.push(channel.open(ticket, context));
    } catch (error) {
      // A channel that cannot open cannot reach anyone; the others keep waiting.
      context.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return {
    withdraw(reason: string): void {
      for (const handle of handles.splice(0)) {
        try {
          handle.withdraw(reason);
        } catch {
          // The answer is already recorded; a prompt left on screen can no longer change it.
        }
      }
    },
  };
}

/** A channel's answer as recorded: named for the channel that gave it, and nothing but an approve approves. */
function stamped(answer: ChannelAnswer, channel: string): TicketAnswer {
  return {
    state: answer.state === 'approved' ? 'approved' : 'denied',
    channel,
    ...(answer.by === undefined ? {} : { by: answer.by }),
    ...(answer.reason === undefined ? {} : { reason: answer.reason }),
    ...(answer.state === 'approved' && answer.remember === true ? { remember: true } : {}),
    ...(answer.state === 'approved' && answer.trust === true ? { trust: true } : {}),
  };
}
