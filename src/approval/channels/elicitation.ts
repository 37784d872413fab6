// The elicitation channel: a form in the agent's own client that shows the exact call and asks for a
// decision. Only an explicit "approve" approves; a decline or "deny" is a denial; a cancel is no answer
// at all (a headless client dismisses every prompt at once), so the other channels keep waiting. Only
// as trustworthy as that client, so it is used only where the agent's channels list it.
import type { ApprovalChannel, ChannelContext, ChannelHandle, ChannelRequest } from '../channel.js';
import { formatDuration, qualifiedTool } from '../ticket.js';
import type { ElicitResult, TicketAnswer, TicketView } from '../types.js';

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
          const answer = answerFromElicitation(result);
          // Nobody decided: this channel cannot answer, but the console, the CLI or a webhook still can.
          if (answer === undefined) context.fail(new Error(DISMISSED));
          else context.answer(answer);
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

/** The elicitation/create params for a ticket: the call in full, and a decision to pick. */
export function elicitationParams(ticket: TicketView): { message: string; requestedSchema: object } {
  const reasons = ticket.reasons.map((r) => `- ${r.message} (${r.rule}, ${r.source})`);
  const message = [
    `mcp-warden: approve this tool call?`,
    ``,
    `Tool: ${qualifiedTool(ticket)}`,
    `Agent: ${ticket.agent} in environment "${ticket.environment}"`,
    ...(reasons.length > 0 ? [`Why it asks:`, ...reasons] : []),
    `Arguments, exactly as they will be forwarded:`,
    JSON.stringify(ticket.arguments, null, 2),
    ``,
    `Ticket ${ticket.id}; unanswered, it is denied after ${formatDuration(ticket.expiresAt - ticket.createdAt)}.`,
  ].join('\n');
  return {
    message,
    requestedSchema: {
      type: 'object',
      properties: {
        decision: { type: 'string', title: 'Decision', enum: ['approve', 'deny'], enumNames: ['Approve', 'Deny'] },
        remember: {
          type: 'boolean',
          title: 'Remember for this session',
          description: 'Also approve identical calls (same tool, same arguments) for the rest of this session',
          default: false,
        },
      },
      required: ['decision'],
    },
  };
}

/**
 * Why an elicitation channel stops when the client cancels its prompt. MCP's `cancel` means dismissed
 * without a choice; Claude Code under `claude -p` sends it within milliseconds, with nobody having seen
 * the prompt, so it must neither deny the call nor be audited as a person's answer.
 */
export const DISMISSED = "The agent's client dismissed the approval prompt without an answer, as a headless client does";

/** The answer an elicitation result stands for; undefined for `cancel`, which is no answer from anyone. */
export function answerFromElicitation(result: ElicitResult): (TicketAnswer & { state: 'approved' | 'denied' }) | undefined {
  const decision = result.content?.decision;
  if (result.action === 'accept' && (decision === 'approve' || decision === true)) {
    return { state: 'approved', channel: 'elicitation', remember: result.content?.remember === true };
  }
  if (result.action === 'cancel') return undefined;
  const reason =
    result.action === 'decline' ? 'The user declined the approval prompt'
    : result.action === 'accept' ? 'The user chose deny in the approval prompt'
    : `The client answered the approval prompt with "${String(result.action)}"`;
  return { state: 'denied', channel: 'elicitation', reason };
}
