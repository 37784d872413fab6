// Dangerous patterns: literal phrases matched on normalised text, or `/regex/flags` checked for
// catastrophic backtracking first. A pattern that cannot be matched safely counts as found.
import type { Inspection, Rule } from './types.js';
import { collectTexts } from './argument-texts.js';
import { foldShortFlags, normalizeForMatch } from './normalize.js';
import { checkRegex } from './regex-safety.js';

/**
 * Work allowed per call for regexes that are not linear (estimated as length^(degree+1) summed over the
 * texts); past it the pattern counts as found, so a long argument cannot stall the gateway.
 */
const POLYNOMIAL_BUDGET = 4_000_000;

type CompiledPattern =
  | { rule: Rule; kind: 'literal'; text: string; folded: string | undefined }
  | { rule: Rule; kind: 'regex'; regex: RegExp; degree: number; joined: { regex: RegExp; separator: string } | undefined }
  | { rule: Rule; kind: 'unsafe'; why: string };

export interface DangerousPatterns {
  readonly patterns: readonly CompiledPattern[];
  /** By pattern as written, to credit matches that inspection found on the parsed form. */
  readonly byPattern: ReadonlyMap<string, Rule>;
}

export interface PatternMatch {
  rule: Rule;
  /** Why it counts as found, as a sentence fragment. */
  message: string;
}

export type ScanResult = { tooLarge: true; size: number } | { tooLarge: false; matches: PatternMatch[] };

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;

/** Compiles the dangerous patterns once; never throws. */
export function compileDangerous(rules: readonly Rule[]): DangerousPatterns {
  const patterns = rules.map((rule): CompiledPattern => {
    const regex = typeof rule.pattern === 'string' ? REGEX_LITERAL.exec(rule.pattern) : null;
    if (regex) {
      const check = checkRegex(regex[1]!, regex[2]!);
      if (!check.safe) return { rule, kind: 'unsafe', why: check.why };
      // The joined form is only worth it, and only within the work bound, for a linear regex.
      return { rule, kind: 'regex', regex: check.regex, degree: check.degree, joined: check.degree === 0 ? check.joined : undefined };
    }
    const text = normalizeForMatch(String(rule.pattern));
    if (text === '') return { rule, kind: 'unsafe', why: 'it is empty once normalised' };
    const folded = foldShortFlags(text);
    return { rule, kind: 'literal', text, folded: folded === text ? undefined : folded };
  });
  return { patterns, byPattern: new Map(rules.map((rule) => [rule.pattern, rule])) };
}

/** Whether scanning can find anything at all, so the caller can skip collecting texts. */
export function hasPatterns(compiled: DangerousPatterns, inspection: Inspection | undefined): boolean {
  return compiled.patterns.length > 0 || (inspection?.matchedPatterns?.length ?? 0) > 0;
}

/** Matches every pattern against the arguments and the inspection's texts. */
export function scanArguments(compiled: DangerousPatterns, args: unknown, inspection: Inspection | undefined): ScanResult {
  const collected = collectTexts(args, inspection?.patternTexts ?? []);
  if (collected.tooLarge) return collected;
  // Arguments repeat themselves (the same keys in every element of a list): scan each text once.
  const texts = [...new Set(collected.texts)].map((raw) => {
    const normalised = normalizeForMatch(raw);
    return { raw: raw === normalised ? undefined : raw, normalised, folded: undefined as string | undefined };
  });
  // Normalised text holds no newline or NUL, so a literal found in the texts joined by one lies
  // within one of them: one search per pattern instead of one per text. Regexes too, when they
  // cannot match the separator (see checkRegex).
  const joinedBy = new Map<string, string>();
  const joinedWith = (separator: string): string => {
    let text = joinedBy.get(separator);
    if (text === undefined) joinedBy.set(separator, (text = texts.map((t) => t.normalised).join(separator)));
    return text;
  };
  const matches: PatternMatch[] = [];
  let budget = POLYNOMIAL_BUDGET;

  for (const pattern of compiled.patterns) {
    if (pattern.kind === 'unsafe') {
      matches.push({ rule: pattern.rule, message: `the dangerous pattern "${pattern.rule.pattern}" cannot be matched safely (${pattern.why}), so it counts as found` });
      continue;
    }
    if (pattern.kind === 'literal') {
      const found =
        joinedWith('\n').includes(pattern.text) ||
        (pattern.folded !== undefined &&
          texts.some((text) => {
            text.folded ??= foldShortFlags(text.normalised);
            return text.folded.includes(pattern.folded!);
          }));
      if (found) matches.push({ rule: pattern.rule, message: `the arguments contain the dangerous pattern "${pattern.rule.pattern}"` });
      continue;
    }
    if (pattern.joined?.regex.test(joinedWith(pattern.joined.separator))) {
      matches.push({ rule: pattern.rule, message: `the arguments match the dangerous pattern "${pattern.rule.pattern}"` });
      continue;
    }
    for (const text of texts) {
      // Already run on every normalised text at once; only the raw forms are left.
      if (pattern.joined && text.raw === undefined) continue;
      if (pattern.degree > 0) {
        budget -= text.normalised.length ** (pattern.degree + 1) + (text.raw?.length ?? 0) ** (pattern.degree + 1);
        if (budget < 0) {
          matches.push({ rule: pattern.rule, message: `the arguments are too long to match the dangerous pattern "${pattern.rule.pattern}" safely, so it counts as found` });
          break;
        }
      }
      if ((!pattern.joined && pattern.regex.test(text.normalised)) || (text.raw !== undefined && pattern.regex.test(text.raw))) {
        matches.push({ rule: pattern.rule, message: `the arguments match the dangerous pattern "${pattern.rule.pattern}"` });
        break;
      }
    }
  }

  for (const written of inspection?.matchedPatterns ?? []) {
    if (matches.some((match) => match.rule.pattern === written)) continue;
    const rule = compiled.byPattern.get(written) ?? { pattern: written, source: 'inspection' };
    matches.push({ rule, message: `the parsed ${inspection!.check} arguments contain the dangerous pattern "${written}"` });
  }
  return { tooLarge: false, matches };
}

