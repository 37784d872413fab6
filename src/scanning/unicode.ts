// Which code points a reader cannot see: the characters poisoning hides behind (zero-width and
// format characters, bidi controls, tag characters, variation selectors, control characters). Shared
// by the hidden-unicode rule, which reports them, and the normaliser, which removes them before
// phrases are matched, so that "ig\u200bnore previous" reads as "ignore previous".

/** Why a code point is invisible; undefined for a visible one (or ordinary whitespace). */
export type InvisibleKind = 'format' | 'bidi' | 'tag' | 'variation-selector' | 'control';

const NAMES: Record<number, string> = {
  0x00ad: 'SOFT HYPHEN',
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x061c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x17b4: 'KHMER VOWEL INHERENT AQ',
  0x17b5: 'KHMER VOWEL INHERENT AA',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
};

/** Blank-rendering letters and marks that are not format characters but hide text all the same. */
const BLANK_LETTERS = new Set([0x034f, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x3164, 0xffa0]);

/** Format characters that print a visible sign (Arabic number signs and the like): not hiding anything. */
const VISIBLE_FORMAT = new Set([0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06dd, 0x070f, 0x0890, 0x0891, 0x08e2, 0x110bd, 0x110cd]);

const FORMAT = /^\p{Cf}$/u;

/** How `cp` hides, or undefined when it is visible. Tab, newline and carriage return are visible whitespace. */
export function invisibleKind(cp: number): InvisibleKind | undefined {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return undefined;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 'control';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f || cp === 0x061c) return 'bidi';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) return 'variation-selector';
  if (BLANK_LETTERS.has(cp)) return 'format';
  if (VISIBLE_FORMAT.has(cp)) return undefined;
  return FORMAT.test(String.fromCodePoint(cp)) ? 'format' : undefined;
}

/** `U+200B ZERO WIDTH SPACE`, or just `U+E0041` for code points without a name here. */
export function describeCodePoint(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[cp] ?? (cp >= 0xe0020 && cp <= 0xe007e ? `TAG ${JSON.stringify(String.fromCharCode(cp - 0xe0000))}` : undefined);
  return name ? `${hex} ${name}` : hex;
}

/** The ASCII character a tag character (U+E0020–U+E007E) stands for: the payload of "ASCII smuggling". */
export function tagCharacter(cp: number): string | undefined {
  return cp >= 0xe0020 && cp <= 0xe007e ? String.fromCharCode(cp - 0xe0000) : undefined;
}

/** `text` with every invisible code point written as \u{…}, so a person sees what is there. */
export function showInvisible(text: string): string {
  let shown = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    shown += invisibleKind(cp) ? `\\u{${cp.toString(16).toUpperCase()}}` : ch;
  }
  return shown;
}
