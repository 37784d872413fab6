// The decision as it moves through the layers: it only ever gets stricter.
import { VERDICT_RANK, type Reason, type Verdict } from './types.js';

export interface Outcome {
  decision: Verdict;
  reasons: Reason[];
}

/**
 * Applies a layer's verdict: the decision moves to the stricter of the two, and the reason is kept
 * whenever the layer demands at least the current decision, so every reason behind the final verdict
 * is on record (an approver sees both "writes" and "contains rm -rf").
 */
export function raise(outcome: Outcome, reason: Reason): void {
  const rank = VERDICT_RANK[reason.decision];
  const current = VERDICT_RANK[outcome.decision];
  if (rank < current) return;
  outcome.reasons.push(reason);
  if (rank > current) outcome.decision = reason.decision;
}

/** Whether no later layer can change the decision. */
export function isFinal(outcome: Outcome): boolean {
  return outcome.decision === 'deny';
}
