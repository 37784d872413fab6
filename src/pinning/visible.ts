// Characters a reviewer cannot see: zero-width and bidi-override marks, tag characters, odd spaces,
// private-use and unassigned code points. A hidden instruction in a tool description is invisible in
// a terminal, a PR diff or an approval card unless these are written as escapes, so every text of
// this folder that a person reads goes through here.

/**
 * One invisible or look-alike character: controls (not newline or tab), format characters (Cf:
 * zero-width, bidi overrides, tags), private-use, unassigned, every separator but the plain space,
 * variation selectors, and the Hangul fillers that render as nothing.
 */
export const INVISIBLE = /(?![\n\t ])[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Z}\uFE00-\uFE0F\u{E0100}-\u{E01EF}\u115F\u1160\u3164\uFFA0]/gu;

/** True when `text` holds at least one character of INVISIBLE. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text);
}

/** The escape a person reads for one code point: `\u200b`, or `\u{e0041}` past the BMP. */
export function escapeCodePoint(char: string): string {
  const code = char.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every invisible character written as its escape, so a hidden change shows. */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, escapeCodePoint);
}
