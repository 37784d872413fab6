// The text form dangerous patterns are matched on, so case, spacing, quoting, invisible characters and
// compatibility forms (fullwidth letters) cannot hide a pattern. Patterns are normalised the same way.

/** Invisible characters: format characters (zero-width space/joiners, BOM, soft hyphen…) and fillers. */
const INVISIBLE = /[\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFE00-\uFE0F\uFFA0\u{E0100}-\u{E01EF}]/gu;
/** Control characters that are not whitespace: removed, since nothing displays them. */
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g;
/** ASCII and typographic quotes, and backslashes: shells drop them, so they must not split a word. */
const QUOTES = /["'`\\\u00AB\u00BB\u02B9-\u02BC\u02C8\u2018-\u201F\u2032-\u2037\u2039\u203A\u275B-\u275E\u301D-\u301F\uFF02\uFF07]/g;
const WHITESPACE = /[\s\p{Z}\u0085]+/gu;
/** Whether a string needs more than lowercasing (fast path for plain ASCII text). */
const PLAIN = /^[ !#-&(-[\]-_a-~]*$/;

/**
 * Normalises text for dangerous-pattern matching: NFKC, invisible and control characters removed,
 * lowercased, quotes and backslashes removed, every whitespace run one space, trimmed.
 */
export function normalizeForMatch(text: string): string {
  if (PLAIN.test(text) && !text.includes('  ')) return text.toLowerCase().trim();
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .toLowerCase()
    .replace(QUOTES, '')
    .replace(WHITESPACE, ' ')
    .trim();
}

const FLAG_RUN = /(^| )-[a-z0-9]+(?: -[a-z0-9]+)*(?= |$)/g;

/**
 * Normalised text with each run of short-flag words folded into one sorted cluster, so `rm -fr` and
 * `rm -r -f` read as `rm -rf` does. Only ever adds matches: it is tried next to the plain form.
 */
export function foldShortFlags(normalised: string): string {
  if (!normalised.includes('-')) return normalised;
  return normalised.replace(FLAG_RUN, (run, lead: string) => {
    const letters = new Set(run.replace(/[ -]/g, ''));
    return `${lead}-${[...letters].sort().join('')}`;
  });
}
