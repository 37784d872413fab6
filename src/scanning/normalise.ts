// The text the phrase rules read: invisible characters removed (tag characters decoded to the ASCII
// they smuggle), compatibility forms and accents folded (NFKD without marks, so fullwidth and
// mathematical letters read as plain ones), common Cyrillic and Greek look-alikes mapped to Latin,
// lower case, markdown emphasis dropped, whitespace collapsed. Each character keeps the index it came
// from, so a finding can quote the original text.
import { invisibleKind, tagCharacter } from './unicode.js';

export interface Normalised {
  text: string;
  /** origin[i] is the index in the original of text[i]; origin[text.length] is the original's length. */
  origin: number[];
}

// Letters that look like Latin ones in most fonts; enough to undo the usual homoglyph swaps.
const LOOKALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', һ: 'h', і: 'i', ї: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', н: 'h', о: 'o', р: 'p',
  с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g', ɩ: 'i', ı: 'i',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2033': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2212': '-',
};

const MARK = /\p{M}/gu;
const SPACE = /^\s$/u;

/** The folded form of one visible code point. */
function fold(ch: string): string {
  let out = '';
  for (const part of ch.normalize('NFKD').replace(MARK, '').toLowerCase()) out += LOOKALIKES[part] ?? part;
  return out;
}

/** `original` as the phrase rules read it, with the index map back. */
export function normalise(original: string): Normalised {
  // Built as parts and joined once: appending to one string and asking its end each time is quadratic.
  const parts: string[] = [];
  const origin: number[] = [];
  let spaced = true;
  const push = (chunk: string, at: number) => {
    for (const ch of chunk) {
      parts.push(ch);
      for (let i = 0; i < ch.length; i += 1) origin.push(at);
      spaced = ch === ' ';
    }
  };
  for (let i = 0; i < original.length; ) {
    const cp = original.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const tag = tagCharacter(cp);
    if (cp === 0x20 || cp === 0x0a || cp === 0x09 || cp === 0x0d) {
      if (!spaced) push(' ', i);
    } else if (cp >= 0x21 && cp < 0x7f && cp !== 0x2a) {
      // Printable ASCII, the bulk of every description: nothing to fold but case.
      parts.push(cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : ch);
      origin.push(i);
      spaced = false;
    } else if (tag !== undefined) push(tag.toLowerCase(), i);
    else if (invisibleKind(cp) || ch === '*') {
      // Dropped: what hides between letters must not split the word it hides in.
    } else if (SPACE.test(ch)) {
      if (!spaced) push(' ', i);
    } else push(fold(ch), i);
    i += ch.length;
  }
  origin.push(original.length);
  return { text: parts.join(''), origin };
}
