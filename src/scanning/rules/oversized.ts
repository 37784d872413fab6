// oversized: text far longer than its kind usually is (LIMITS in fields.ts, set from the reference
// servers' maxima with a wide margin), or padded with a long run of blank space — the trick that
// pushes instructions below what a client's approval dialog shows. Length alone proves nothing; it is
// where instructions hide, and the text past the limit is not what a reviewer reads.
import type { Rule } from './rule.js';

/** A run of blank space this long hides what follows it in most dialogs. */
export const PADDING = { characters: 200, newlines: 20 } as const;

/** The longest run of whitespace in `text`: where it starts, its length and its newlines. */
function longestBlank(text: string): { start: number; length: number; newlines: number } {
  let best = { start: 0, length: 0, newlines: 0 };
  let start = -1;
  let newlines = 0;
  for (let i = 0; i <= text.length; i += 1) {
    const ch = text[i];
    if (ch !== undefined && (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r' || (ch > '\x7f' && /\s/.test(ch)))) {
      if (start < 0) {
        start = i;
        newlines = 0;
      }
      if (ch === '\n') newlines += 1;
      continue;
    }
    if (start >= 0 && (newlines > best.newlines || (newlines === best.newlines && i - start > best.length))) best = { start, length: i - start, newlines };
    start = -1;
  }
  return best;
}

export const oversized: Rule = {
  name: 'oversized',
  roles: ['prose'],
  check(input) {
    if (input.limit !== undefined && input.text.length > input.limit) {
      return {
        message: `Is ${input.text.length.toLocaleString('en-US')} characters long, far past the usual (limit ${input.limit.toLocaleString('en-US')}); long text is where instructions hide`,
        start: input.limit,
        end: Math.min(input.text.length, input.limit + 80),
      };
    }
    const blank = longestBlank(input.text);
    if (blank.length >= PADDING.characters || blank.newlines >= PADDING.newlines) {
      return {
        message: `Is padded with ${blank.newlines >= PADDING.newlines ? `${blank.newlines} blank lines` : `${blank.length} blank characters`}, which pushes what follows out of sight`,
        start: blank.start,
        end: Math.min(input.text.length, blank.start + blank.length + 60),
      };
    }
    return undefined;
  },
};
