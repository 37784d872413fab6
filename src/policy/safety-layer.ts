// README "How a call is decided": the stricter of the profile's and the environment's safety decides what a writing
// call needs: safe refuses it, standard asks, full lets the other layers decide.
import type { Reason } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { NO_REASONS, type Subject } from './layer.js';
import { writesBecause } from './writes.js';

/** The safety layer for a question already classified as writing or not. */
export function safetyLayer(compiled: CompiledPolicy, subject: Subject): readonly Reason[] {
  const { mode, source, setBy } = compiled.safety;
  if (!subject.writes || mode === 'full') return NO_REASONS;
  const action = mode === 'safe' ? 'refuses' : 'asks before';
  return [
    {
      layer: 'safety',
      decision: mode === 'safe' ? 'deny' : 'ask',
      rule: `safety: ${mode}`,
      source,
      message: `Safety "${mode}" (set by ${setBy}) ${action} "${subject.facts.qualified}", which may change something: ${writesBecause(subject.facts, subject.call?.inspection)}`,
    },
  ];
}
