// The elicitation channel: a form in the agent's own client (the prompt text and how an answer reads
// are in ../elicitation.ts). Only as trustworthy as that client, so it is used only where configured.
import type { ApprovalChannel, ChannelContext, ChannelHandle, ChannelRequest } from '../channel.js';
import { answerFromElicitation, elicitationParams } from '../elicitation.js';
import type { TicketView } from '../types.js';

/** Asks through the client's elicitation/create when the agent's channels list `elicitation` and its client declared the capability. */
export function elicitationChannel(): ApprovalChannel {
  return {
    name: 'elicitation',
    applies: (request: ChannelRequest): boolean => request.configured.includes('elicitation') && request.options.elicit !== undefined,
    open(ticket: TicketView, context: ChannelContext): ChannelHandle {
      const elicit = context.request.options.elicit;
      if (!elicit) throw new Error('The agent\'s client does not support elicitation');
      // Its own controller: aborting a prompt the client already answered would send it a stray cancel.
      const prompt = new AbortController();
      let answered = false;
      elicit(elicitationParams(ticket), prompt.signal).then(
        (result) => {
          answered = true;
          context.answer(answerFromElicitation(result));
        },
        (error: unknown) => {
          answered = true;
          context.fail(new Error(`The approval prompt failed: ${(error as Error)?.message ?? String(error)}`));
        },
      );
      return {
        // The reason travels in notifications/cancelled, so the person sees why the prompt went away.
        withdraw: (reason: string): void => {
          if (!answered) prompt.abort(reason);
        },
      };
    },
  };
}
