// Whether a call changes something. Inspection knows best; without it, a tool is read-only only on
// the operator's word (`readonly:`) or, for a trusted server, on the server's own annotations.
import type { Inspection, ToolAnnotations } from './types.js';
import type { NameFacts } from './name-facts.js';

/** Classifies a call (or any call of a tool) as writing unless something says it is read-only. */
export function classifyWrites(facts: NameFacts, call: { inspection?: Inspection | undefined; annotations?: ToolAnnotations | undefined }): boolean {
  if (call.inspection) return call.inspection.writes !== false;
  return !knownReadOnly(facts, call.annotations);
}

/** Why the call is taken to write, for messages. */
export function writesBecause(facts: NameFacts, inspection: Inspection | undefined): string {
  if (inspection) return `inspection of its ${inspection.check} arguments says it writes`;
  return facts.server.policy.trusted ? 'it is neither on the server\'s readonly list nor annotated read-only' : 'it is not on the server\'s readonly list';
}

function knownReadOnly(facts: NameFacts, annotations: ToolAnnotations | undefined): boolean {
  if (facts.readonlyRule) return true;
  return facts.server.policy.trusted && annotations?.readOnlyHint === true && annotations.destructiveHint !== true;
}
