// What a rule is: a check of one string of one entity, returning the first sign it finds. Rules are
// pure; the scanner decides which strings each reads and turns a hit into a finding.
import type { FieldRole, ScanField } from '../fields.js';
import type { Normalised } from '../normalise.js';
import type { ScanEntity } from '../types.js';

/** One string to check, with its normalised form. */
export interface RuleInput extends ScanField {
  normalised: Normalised;
}

/** What the rules know of the entity's server: the other servers and their tools. One per server per scan. */
export interface ServerScope {
  /** Every other server's id (never the entity's own). */
  otherServers: readonly string[];
  /** Tool names per other server, from the entities scanned together; a server absent here listed none in this scan. */
  otherTools: ReadonlyMap<string, readonly string[]>;
  /** The names of the entity's own server's tools and prompts. */
  ownNames: ReadonlySet<string>;
}

/** What the rules know besides the string: the entity and its server's scope. */
export interface RuleContext {
  entity: ScanEntity;
  scope: ServerScope;
}

/** A sign found: the sentence for the operator, and where in the original text it is. */
export interface RuleHit {
  message: string;
  /** Index range in the original text, for the excerpt. */
  start: number;
  end: number;
}

export interface Rule {
  name: string;
  /** The roles of string this rule reads. */
  roles: readonly FieldRole[];
  check(input: RuleInput, context: RuleContext): RuleHit | undefined;
}

/** A phrase pattern and what it means, for the phrase-matching rules. */
export interface Phrase {
  pattern: RegExp;
  /** Completes "…: " in the message, e.g. "tells the model to ignore its instructions". */
  means: string;
  /** Roles this phrase is not looked for in (e.g. headings that are normal in server instructions). */
  notIn?: readonly ('instructions')[];
}

/** The first phrase of `phrases` found in the normalised text, as a hit in original indices. */
export function firstPhrase(input: RuleInput, phrases: readonly Phrase[], options: { instructions: boolean }): { phrase: Phrase; hit: Omit<RuleHit, 'message'>; quote: string } | undefined {
  let best: { phrase: Phrase; index: number; length: number } | undefined;
  for (const phrase of phrases) {
    if (options.instructions && phrase.notIn?.includes('instructions')) continue;
    phrase.pattern.lastIndex = 0;
    const match = phrase.pattern.exec(input.normalised.text);
    if (match && (!best || match.index < best.index)) best = { phrase, index: match.index, length: match[0].length };
  }
  if (!best) return undefined;
  return { phrase: best.phrase, hit: originRange(input, best.index, best.length), quote: input.normalised.text.slice(best.index, best.index + best.length) };
}

/** The original index range of a normalised range. */
export function originRange(input: RuleInput, index: number, length: number): { start: number; end: number } {
  const { origin } = input.normalised;
  const last = Math.max(index, index + length - 1);
  return { start: origin[index]!, end: (origin[last + 1] ?? origin.at(-1)!) };
}

/** A quoted phrase for a message, shortened. */
export function quoted(text: string, max = 60): string {
  const trimmed = text.trim();
  return JSON.stringify(trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed);
}
