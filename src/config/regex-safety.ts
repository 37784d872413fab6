// Load-time check of `/regex/flags` dangerous patterns. It is the engine's own check (so a pattern
// accepted here is one the engine will run), made stricter for what a person writes in a config:
// only the flags i, m, s and u, and at most two overlapping unbounded repeats.
import { checkRegex } from '../policy/regex-safety.js';

/** The parts of a dangerous pattern written as `/regex/flags`. */
export interface RegexLiteral {
  source: string;
  flags: string;
}

/** More unguarded unbounded repeats than this make the match time a high polynomial. */
const MAX_UNGUARDED = 2;

/** Splits `/source/flags`; undefined when the text is a literal phrase instead. */
export function parseRegexLiteral(text: string): RegexLiteral | undefined {
  const match = /^\/(.+)\/([a-z]*)$/s.exec(text);
  return match ? { source: match[1]!, flags: match[2]! } : undefined;
}

/**
 * Why a regex is refused (a clause that completes "Regex ... is refused because"), or undefined when
 * it compiles and runs in bounded time.
 */
export function regexSafetyProblem(source: string, flags: string): string | undefined {
  if (!/^[imsu]*$/.test(flags) || new Set(flags).size !== flags.length) {
    return `flags "${flags}" are not supported (use i, m, s or u)`;
  }
  const check = checkRegex(source, flags);
  if (!check.safe) return check.why;
  if (check.degree > MAX_UNGUARDED) {
    return `it has ${check.degree} unbounded repeats that can overlap, which can take polynomial time on long arguments`;
  }
  return undefined;
}

/** Compiles a regex that `regexSafetyProblem` accepted; throws with the reason otherwise. */
export function compileSafeRegex(source: string, flags: string): RegExp {
  const problem = regexSafetyProblem(source, flags);
  if (problem) throw new Error(`Regex "/${source}/${flags}" is refused because ${problem}`);
  return new RegExp(source, flags);
}
