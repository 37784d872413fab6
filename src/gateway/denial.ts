// The text an agent gets back when mcp-warden refuses a call: who refused, which rule, and why, so
// the model can adapt instead of retrying blindly.
import path from 'node:path';
import type { ApprovalOutcome } from '../approval/types.js';
import type { Decision, Reason } from '../policy/types.js';

/**
 * The last line of every policy refusal: a model that reads only "denied" tends to retry the same
 * call or to work around the gateway; this tells it the refusal is deliberate and what to do instead.
 */
export const NEXT_STEP = 'This is a policy decision by mcp-warden, not an error: do not retry the same call; ask the user to approve it, or use another tool.';

/** What follows an unknown tool's refusal: the name may be a typo, a stale list or a hidden tool. */
export const UNKNOWN_TOOL_NEXT_STEP = 'Do not retry it; use a tool from tools/list, or ask the user.';

const FILE_POSITION = /^(.+):(\d+):(\d+)$/;

/**
 * A rule's source as the agent sees it: relative to the config file's directory (`gateway.yaml:12:5`).
 * Sources are written relative to the gateway's cwd, or absolute when the config lies outside it;
 * the agent has no use for the operator's directories and must not learn them. Every file a source
 * names is the one config file, so relative to its directory is its base name. Other sources
 * (`default`, `built-in sensitive paths`) pass unchanged.
 */
export function agentSource(source: string): string {
  const match = FILE_POSITION.exec(source);
  return match ? `${path.basename(match[1]!)}:${match[2]}:${match[3]}` : source;
}

function describe(reason: Reason): string {
  return `- ${reason.message} [${reason.layer}: ${reason.rule} at ${agentSource(reason.source)}]`;
}

/** The reasons that made the final verdict (those at its level), most specific last. */
export function decisiveReasons(decision: Decision): Reason[] {
  const decisive = decision.reasons.filter((reason) => reason.decision === decision.verdict);
  return decisive.length > 0 ? decisive : decision.reasons;
}

/**
 * The text of a denial result: the call, each decisive reason, `extra` if given, then NEXT_STEP when
 * a rule refused it. A refusal of the call's form alone (input layer: arguments too deep, not
 * matching the tool's schema) is not a policy decision: its reasons say how to fix the call.
 */
export function denialText(qualified: string, decision: Decision, extra?: string): string {
  return refusal(qualified, decision, extra, decisiveReasons(decision).some((reason) => reason.layer !== 'input'));
}

/**
 * The text of a call that asked and was not approved. A call withdrawn before anyone decided (the
 * agent cancelled it, the gateway shut down) was not refused by policy, so it gets no NEXT_STEP:
 * the same call may well succeed once the gateway is back.
 */
export function approvalDenialText(qualified: string, decision: Decision, outcome: Pick<ApprovalOutcome, 'channel' | 'reason'>): string {
  return refusal(qualified, decision, `Approval was not given: ${outcome.reason}`, outcome.channel !== 'cancelled');
}

function refusal(qualified: string, decision: Decision, extra: string | undefined, policy: boolean): string {
  const lines = [`mcp-warden denied the call to "${qualified}".`];
  for (const reason of decisiveReasons(decision)) lines.push(describe(reason));
  if (extra) lines.push(extra);
  if (policy) lines.push(NEXT_STEP);
  return lines.join('\n');
}
