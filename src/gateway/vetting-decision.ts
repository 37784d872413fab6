// How a tool's vetting joins the policy's decision for one call: a warning adds its reason without
// changing the verdict, an ask tightens allow to ask; and what the person asked is shown of it.
import type { DefinitionReview } from '../approval/types.js';
import { VERDICT_RANK, type Decision } from '../policy/types.js';
import type { Vetting } from './vetting.js';

/** `decision` with `vetting` applied (a deny is refused before the policy is asked, so not handled here). */
export function withVetting(decision: Decision, vetting: Vetting | undefined): Decision {
  if (!vetting || vetting.response === 'clean') return decision;
  if (vetting.response === 'warn') {
    // First, so the rule that set the verdict stays the last reason at its level (see decidingReason).
    return { ...decision, reasons: [...vetting.reasons, ...decision.reasons] };
  }
  const verdict = VERDICT_RANK[decision.verdict] >= VERDICT_RANK.ask ? decision.verdict : 'ask';
  return { ...decision, verdict, reasons: [...decision.reasons, ...vetting.reasons] };
}

/** What the approval card, the CLI and Slack show of an ask that pinning or scanning made. */
export function definitionReview(vetting: Vetting): DefinitionReview | undefined {
  const review: DefinitionReview = {};
  const drift = vetting.drift;
  if (drift) {
    review.pin = {
      state: drift.state,
      fields: [...vetting.fields],
      digest: vetting.input.current.digest,
      // A new tool has nothing to differ from: its whole definition is what is to be trusted.
      diff: drift.state === 'changed' ? drift.diff : JSON.stringify(vetting.input.current.definition, null, 2).split('\n').map((line) => `+ ${line}`).join('\n'),
    };
  }
  if (vetting.findings.length > 0) {
    review.findings = vetting.findings.map((finding) => ({ rule: finding.rule, field: finding.field, message: finding.message, ...(finding.excerpt ? { excerpt: finding.excerpt } : {}) }));
  }
  return review.pin || review.findings ? review : undefined;
}
