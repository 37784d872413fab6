// README "How a call is decided": the organisation's ceilings clamp the result of every other layer, for tools and for
// resources and prompts alike.
import type { CeilingRule, Reason } from './types.js';
import type { Subject } from './layer.js';

/** The reason a ceiling gives; `shown` is the subject as messages quote it. Frozen: it is memoised. */
export function ceilingReason(ceiling: Pick<CeilingRule, 'pattern' | 'verdict' | 'source'>, shown: string): Reason {
  return Object.freeze({
    layer: 'ceiling',
    decision: ceiling.verdict,
    rule: `ceiling: "${ceiling.pattern}": ${ceiling.verdict}`,
    source: ceiling.source,
    message: ceiling.verdict === 'deny' ? `The organisation ceiling "${ceiling.pattern}" denies ${shown}` : `The organisation ceiling "${ceiling.pattern}" requires approval for ${shown}`,
  });
}

/** The ceilings matching the tool's name, worked out once per name in name-facts.ts. */
export function ceilingLayer(_compiled: unknown, subject: Subject): readonly Reason[] {
  return subject.facts.ceilings;
}
