// hidden-unicode: characters a person reviewing a description cannot see but the model reads —
// zero-width and other format characters, bidi overrides and isolates (Trojan Source), tag characters
// (ASCII smuggling), runs of variation selectors (data hidden after an emoji), control characters
// (terminal escapes that hide text in a console). What real text needs is let through: a zero-width
// joiner inside an emoji sequence, joiners between letters of scripts that use them, direction marks
// in right-to-left text, one variation selector after a character, a flag's tag sequence, a leading BOM.
import { describeCodePoint, invisibleKind, tagCharacter, type InvisibleKind } from '../unicode.js';
import type { Rule } from './rule.js';

const PICTOGRAPHIC = /^[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{FE0F}]$/u;
const JOINING_LETTER = /^[\p{L}\p{M}]$/u;
const LATIN = /^[\p{Script=Latin}\p{Script=Common}]$/u;
const RTL_LETTER = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

interface Found {
  index: number;
  cp: number;
  kind: InvisibleKind;
}

/** Code points of `text` with their string indices. */
function codePoints(text: string): Array<{ cp: number; index: number }> {
  const points: Array<{ cp: number; index: number }> = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    points.push({ cp, index: i });
    i += cp > 0xffff ? 2 : 1;
  }
  return points;
}

const charOf = (point: { cp: number } | undefined) => (point ? String.fromCodePoint(point.cp) : '');

/** Whether the invisible code point at `at` is one real text needs there. */
function allowed(points: Array<{ cp: number; index: number }>, at: number, text: string): boolean {
  const { cp } = points[at]!;
  const before = points[at - 1];
  const after = points[at + 1];
  if (cp === 0x200d && PICTOGRAPHIC.test(charOf(before)) && PICTOGRAPHIC.test(charOf(after))) return true;
  if ((cp === 0x200c || cp === 0x200d) && [before, after].every((p) => JOINING_LETTER.test(charOf(p)) && !LATIN.test(charOf(p)))) return true;
  if ((cp === 0x200e || cp === 0x200f || cp === 0x061c) && RTL_LETTER.test(text)) return true;
  if (invisibleKind(cp) === 'variation-selector') return before !== undefined && invisibleKind(before.cp) !== 'variation-selector' && !(after && invisibleKind(after.cp) === 'variation-selector');
  if (cp === 0xfeff && at === 0) return true;
  return false;
}

/** Index ranges of flag emoji tag sequences (🏴 + tag letters/digits + CANCEL TAG), e.g. the flag of Scotland. */
function flagSequences(points: Array<{ cp: number }>): Set<number> {
  const inFlag = new Set<number>();
  points.forEach((point, start) => {
    if (point.cp !== BLACK_FLAG) return;
    let end = start + 1;
    while (end < points.length && /^[0-9a-z]$/.test(tagCharacter(points[end]!.cp) ?? '')) end += 1;
    if (end - start - 1 >= 2 && end - start - 1 <= 7 && points[end]?.cp === CANCEL_TAG) for (let i = start + 1; i <= end; i += 1) inFlag.add(i);
  });
  return inFlag;
}

/** The hidden code points of `text`, in order. */
export function hiddenCodePoints(text: string): Found[] {
  // Printable ASCII and ordinary whitespace hide nothing: most descriptions end here.
  if (!/[^\t\n\r\x20-\x7e]/.test(text)) return [];
  const points = codePoints(text);
  const flags = flagSequences(points);
  const found: Found[] = [];
  points.forEach((point, at) => {
    const kind = invisibleKind(point.cp);
    if (kind && !flags.has(at) && !allowed(points, at, text)) found.push({ index: point.index, cp: point.cp, kind });
  });
  return found;
}

function summary(found: Found[]): string {
  const counts = new Map<number, number>();
  for (const { cp } of found) counts.set(cp, (counts.get(cp) ?? 0) + 1);
  const kinds = new Set(found.map((f) => f.kind));
  const listed = [...counts].slice(0, 4).map(([cp, n]) => (n > 1 ? `${describeCodePoint(cp)} ×${n}` : describeCodePoint(cp)));
  const more = counts.size > 4 ? `, and ${counts.size - 4} other kinds` : '';
  const smuggled = found.map((f) => tagCharacter(f.cp) ?? '').join('');
  const what = kinds.has('tag') && smuggled.trim() ? ` (tag characters spelling ${JSON.stringify(smuggled.length > 80 ? `${smuggled.slice(0, 79)}…` : smuggled)})` : '';
  const noun = kinds.has('bidi') && kinds.size === 1 ? 'bidirectional control' : 'invisible';
  return `Contains ${found.length} ${noun} character${found.length === 1 ? '' : 's'} a reviewer cannot see but the model reads: ${listed.join(', ')}${more}${what}`;
}

export const hiddenUnicode: Rule = {
  name: 'hidden-unicode',
  roles: ['prose', 'value', 'parameter', 'identifier'],
  check(input) {
    const found = hiddenCodePoints(input.text);
    if (found.length === 0) return undefined;
    const first = found[0]!;
    const last = found.at(-1)!;
    return { message: summary(found), start: first.index, end: Math.min(input.text.length, Math.max(last.index + 2, first.index + 1)) };
  },
};
