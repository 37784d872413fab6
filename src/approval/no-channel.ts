// What an ask becomes when no channel can reach a person: a non-interactive run (CI) answers by
// `approval.non_interactive`, and a request no channel applies to is denied, saying why.
import type { ApprovalConfig } from '../config/types.js';
import type { ApprovalRequestOptions, TicketAnswer } from './types.js';

/** The answer of a non-interactive gateway: `approval.non_interactive` decides, never a person. */
export function nonInteractiveAnswer(setting: ApprovalConfig['nonInteractive']): TicketAnswer {
  const allow = setting === 'allow';
  const why = '--non-interactive, or CI=true with no approval channel configured';
  const reason = `Approval needed but mcp-warden runs non-interactively (${why}); ${allow ? 'allowed by approval.non_interactive: allow' : 'denied'}`;
  return { state: allow ? 'approved' : 'denied', channel: 'non-interactive', reason };
}

/** The denial when no channel applies to a request, naming what the operator can change. */
export function unreachableAnswer(configured: readonly string[], options: ApprovalRequestOptions): TicketAnswer {
  const detail =
    configured.length === 0 ? 'approval.channels is empty'
    : configured.includes('elicitation') && !options.elicit ? `approval.channels is [${configured.join(', ')}] and the agent's client does not support elicitation`
    : `approval.channels is [${configured.join(', ')}] and no webhook URL is configured`;
  return { state: 'denied', channel: 'none', reason: `Approval needed but no approval channel can reach a person (${detail}); denied` };
}
