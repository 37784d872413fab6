// DESIGN §4.4: the stricter of the profile's and the environment's safety decides what a writing
// call needs: safe refuses it, standard asks, full lets the other layers decide.
import type { CompiledPolicy } from './compile.js';
import type { NameFacts } from './name-facts.js';
import { raise, type Outcome } from './outcome.js';

/** Applies safety to a call already classified as writing or not. */
export function safetyLayer(compiled: CompiledPolicy, facts: NameFacts, writes: boolean, because: () => string, outcome: Outcome): void {
  const { mode, source, setBy } = compiled.safety;
  if (!writes || mode === 'full') return;
  const verdict = mode === 'safe' ? 'deny' : 'ask';
  const action = mode === 'safe' ? 'refuses' : 'asks before';
  raise(outcome, {
    layer: 'safety',
    decision: verdict,
    rule: `safety: ${mode}`,
    source,
    message: `Safety "${mode}" (set by ${setBy}) ${action} "${facts.qualified}", which may change something: ${because()}`,
  });
}
