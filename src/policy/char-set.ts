// Sets of characters a regex atom can match, as the regex safety check needs them: exact over ASCII,
// with two buckets for everything else (non-ASCII whitespace, and the rest).

/** One entry per ASCII code, then OTHER and OTHER_SPACE. */
export type CharSet = boolean[];

/** Index 128 stands for every non-ASCII character that is not whitespace, 129 for the others. */
export const OTHER = 128;
export const OTHER_SPACE = 129;

export function empty(): CharSet {
  return new Array<boolean>(OTHER_SPACE + 1).fill(false);
}

/** Every character not in `set`: exact, since \s, \d and \w say which non-ASCII bucket they hold. */
export function complement(set: CharSet): CharSet {
  return set.map((inSet) => !inSet);
}

export function full(): CharSet {
  return new Array<boolean>(OTHER_SPACE + 1).fill(true);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function union(...parts: number[][]): CharSet {
  const set = empty();
  for (const part of parts) for (const code of part) set[code] = true;
  return set;
}

export function withOther(set: CharSet, index = OTHER): CharSet {
  set[index] = true;
  return set;
}

export function addRange(set: CharSet, from: number, to: number, nocase: boolean): void {
  for (let code = from; code <= Math.min(to, 127); code++) {
    set[code] = true;
    if (nocase && /[A-Za-z]/.test(String.fromCharCode(code))) {
      set[code ^ 0x20] = true;
      // Case folding reaches outside ASCII only from k (Kelvin sign) and s (long s).
      if (/[ks]/i.test(String.fromCharCode(code))) set[OTHER] = true;
    }
  }
  if (to > 127) set[OTHER] = set[OTHER_SPACE] = true;
}
