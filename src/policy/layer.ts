// The shape every decision layer has: the question in, the reasons it adds out, and the one fold that
// turns an ordered list of layers into a verdict. Layers share no state.
import type { Reason, ToolCall } from './types.js';
import type { CompiledPolicy } from './compile.js';
import type { NameFacts } from './name-facts.js';
import { apply, type Outcome } from './outcome.js';

/** What the layers read about the question being decided, worked out once before they run. */
export interface Subject {
  facts: NameFacts;
  /** The call with its arguments and their inspection; undefined for the tools/list question. */
  call: ToolCall | undefined;
  /**
   * Whether the layers take the question to change something. For the tools/list question about a
   * shell, filesystem or database tool this is false: only inspecting a call's arguments can tell,
   * and a call may prove read-only, so the tool stays listed.
   */
  writes: boolean;
}

/** One layer of a tool decision: the reasons it adds for `subject`, in order; never mutates its input. */
export type DecisionLayer = Step<Subject>['run'];

/** What a layer returns when it has nothing to add: shared, so the common case allocates nothing. */
export const NO_REASONS: readonly Reason[] = Object.freeze([]);

/**
 * When a layer runs, given the decision so far. `name`: decides from the name alone, and a deny there
 * is the whole answer. `call`: only ever tightens, so it is skipped once the decision is deny.
 * `clamp` (the ceilings): applies to whatever the layers before it reached.
 */
export type Stage = 'name' | 'call' | 'clamp';

/** A layer in an ordered list, over any subject (a tool question, a resource or prompt access). */
export interface Step<S> {
  run: (compiled: CompiledPolicy, subject: S) => readonly Reason[];
  stage: Stage;
}

/** Runs `layers` in order on one subject and folds their reasons by precedence (deny > ask > allow). */
export function foldLayers<S>(layers: ReadonlyArray<Step<S>>, input: { compiled: CompiledPolicy; subject: S }): Outcome {
  const { compiled, subject } = input;
  const outcome: Outcome = { decision: 'allow', reasons: [] };
  // An indexed loop: this runs on every tools/call, and an iterator costs measurably more here.
  for (let i = 0; i < layers.length; i++) {
    const step = layers[i]!;
    if (outcome.decision === 'deny' && step.stage === 'call') continue;
    apply(outcome, step.run(compiled, subject));
    if (outcome.decision === 'deny' && step.stage === 'name') break;
  }
  return outcome;
}
