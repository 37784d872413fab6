// The regex engine ajv runs a schema's `pattern` and `patternProperties` with. Those regexes are the
// upstream's and the strings are the agent's: V8 backtracks, so a pattern like `^(a+)+$` and a
// long enough argument would stall the gateway for every session. Each pattern is judged once by
// the check dangerous patterns get (policy/regex-safety.ts): one it cannot bound refuses every value;
// a polynomial one runs within a budget of work per call and refuses a value past it.
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { checkRegex } from '../policy/regex-safety.js';

/** Work allowed per call for polynomial patterns, estimated as length^exponent summed over matches. */
const POLYNOMIAL_BUDGET = 10_000_000;

let budget = POLYNOMIAL_BUDGET;
let lastRefusal: string | undefined;

/** A RegExp-like whose `test` takes bounded time; a pattern that does not compile throws. */
export const boundedRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    // Throws for an invalid pattern, so the schema does not compile and every call is refused.
    const regex = new RegExp(pattern, flags);
    // ajv shares one compiled pattern per toString(): it must name the pattern, as a RegExp's does.
    const toString = () => regex.toString();
    const check = checkRegex(pattern, flags);
    if (!check.safe) {
      const why = `the gateway cannot match the schema's pattern ${JSON.stringify(pattern)} safely (${check.why}), so it refuses every value for it`;
      return { test: () => refuse(why), toString };
    }
    // regex-safety counts the retry at every start position as one more factor of the length; V8
    // makes no such retry for a regex anchored at its start, so that factor goes.
    const exponent = check.degree + (anchoredAtStart(pattern, flags) ? 0 : 1);
    if (exponent <= 1) return regex;
    const test = (text: string): boolean => {
      budget -= text.length ** exponent;
      return budget >= 0 ? regex.test(text) : refuse(`the value is too long to match the schema's pattern ${JSON.stringify(pattern)} safely`);
    };
    return { test, toString };
  },
  { code: 'boundedRegExp' },
);

/** `^…` with no alternation anywhere (conservative: `^a|b` is not anchored) and no multiline flag. */
function anchoredAtStart(pattern: string, flags: string): boolean {
  return pattern.startsWith('^') && !pattern.includes('|') && !flags.includes('m');
}

function refuse(why: string): false {
  lastRefusal = why;
  return false;
}

/** Starts a call's validation: a fresh budget and no refusal. */
export function startRegexBudget(): void {
  budget = POLYNOMIAL_BUDGET;
  lastRefusal = undefined;
}

/** Why a pattern refused a value without matching it during this call's validation, if one did. */
export function regexRefusal(): string | undefined {
  return lastRefusal;
}
