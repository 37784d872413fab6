// The text an agent gets back when mcp-warden refuses a call: who refused, which rule, and why, so
// the model can adapt instead of retrying blindly.
import type { Decision, Reason } from '../policy/types.js';

function describe(reason: Reason): string {
  return `- ${reason.message} [${reason.layer}: ${reason.rule} at ${reason.source}]`;
}

/** The reasons that made the final verdict (those at its level), most specific last. */
export function decisiveReasons(decision: Decision): Reason[] {
  const decisive = decision.reasons.filter((reason) => reason.decision === decision.verdict);
  return decisive.length > 0 ? decisive : decision.reasons;
}

/** The text of a denial result. */
export function denialText(qualified: string, decision: Decision, extra?: string): string {
  const lines = [`mcp-warden denied the call to "${qualified}".`];
  for (const reason of decisiveReasons(decision)) lines.push(describe(reason));
  if (extra) lines.push(extra);
  return lines.join('\n');
}
