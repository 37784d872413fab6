// Precedence (deny > ask > allow): how the reasons the layers return fold into one verdict. The
// outcome is local to one fold; no layer ever sees it.
import { VERDICT_RANK, type Reason, type Verdict } from './types.js';

export interface Outcome {
  decision: Verdict;
  reasons: Reason[];
}

/**
 * Folds `reasons` into `outcome`, in order: the verdict moves to the stricter of the two, and a reason
 * is kept whenever it demands at least the current verdict, so every reason behind the final verdict
 * is on record (an approver sees both "writes" and "contains rm -rf").
 */
export function apply(outcome: Outcome, reasons: readonly Reason[]): void {
  for (let i = 0; i < reasons.length; i++) {
    const reason = reasons[i]!;
    const rank = VERDICT_RANK[reason.decision];
    const current = VERDICT_RANK[outcome.decision];
    if (rank < current) continue;
    outcome.reasons.push(reason);
    if (rank > current) outcome.decision = reason.decision;
  }
}

/** The outcome of `reasons` alone, folded from allow. */
export function fold(reasons: readonly Reason[]): Outcome {
  const outcome: Outcome = { decision: 'allow', reasons: [] };
  apply(outcome, reasons);
  return outcome;
}

/** The stricter of `verdict` and every verdict in `reasons`. */
export function strictest(verdict: Verdict, reasons: readonly Reason[]): Verdict {
  let result = verdict;
  for (const reason of reasons) if (VERDICT_RANK[reason.decision] > VERDICT_RANK[result]) result = reason.decision;
  return result;
}
