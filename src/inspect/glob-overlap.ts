// Whether two globs could match the same path: a shell word such as `~/.ss?/id_*` against a
// sensitive glob such as `~/.ssh/**`. Over-approximates (brackets, braces and extglobs count as
// wildcards), so a "yes" may be spurious but a "no" is certain, except for bash's own dot rule:
// a wildcard at the start of a word's component does not match a name starting with ".".

type Token = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'any' };

/** Whether some absolute path matches both globs. Compared case-insensitively. */
export function globsOverlap(word: string, sensitive: string): boolean {
  const a = segments(word);
  const b = segments(sensitive);
  return overlap(a.length, b.length, (i) => a[i] === '**', (j) => b[j] === '**', (i, j) => segmentOverlap(a[i] as string, b[j] as string));
}

function segments(glob: string): string[] {
  return glob.split('/').filter((part) => part !== '');
}

// Non-emptiness of the intersection of two patterns over a sequence of units, where some units
// match any run (`*` in a name, `**` in a path): a walk over pairs of positions.
function overlap(
  lengthA: number,
  lengthB: number,
  anyA: (i: number) => boolean,
  anyB: (j: number) => boolean,
  unit: (i: number, j: number) => boolean,
): boolean {
  const seen = new Set<number>();
  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    const key = i * (lengthB + 1) + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === lengthA && j === lengthB) return true;
    // A run-matcher may match nothing.
    if (i < lengthA && anyA(i)) stack.push([i + 1, j]);
    if (j < lengthB && anyB(j)) stack.push([i, j + 1]);
    // Both consume one unit; a run-matcher stays to consume more.
    if (i < lengthA && j < lengthB && unit(i, j)) stack.push([anyA(i) ? i : i + 1, anyB(j) ? j : j + 1]);
  }
  return false;
}

function segmentOverlap(word: string, sensitive: string): boolean {
  if (word === '**' || sensitive === '**') return !(word !== '**' && startsWithWildcard(word) && sensitive.startsWith('.'));
  const a = tokens(word);
  const b = tokens(sensitive);
  // bash (dotglob off) never lets a leading wildcard match a leading dot.
  if (a[0] && a[0].kind !== 'char' && b[0]?.kind === 'char' && b[0].char === '.') return false;
  return overlap(a.length, b.length, (i) => a[i]?.kind === 'any', (j) => b[j]?.kind === 'any', (i, j) => {
    const x = a[i] as Token;
    const y = b[j] as Token;
    return x.kind !== 'char' || y.kind !== 'char' || x.char === y.char;
  });
}

function startsWithWildcard(segment: string): boolean {
  const first = tokens(segment)[0];
  return first !== undefined && first.kind !== 'char';
}

const CLOSERS: Record<string, string> = { '[': ']', '{': '}', '(': ')' };

// Brackets are one character; braces and extglobs `@(…)`, `!(…)` are any run.
function tokens(segment: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i] as string;
    if (char === '\\' && i + 1 < segment.length) {
      out.push({ kind: 'char', char: (segment[++i] as string).toLowerCase() });
    } else if ('@!+*?'.includes(char) && segment[i + 1] === '(') {
      i = skipGroup(segment, i + 1);
      out.push({ kind: 'any' });
    } else if (char === '*') {
      if (out.at(-1)?.kind !== 'any') out.push({ kind: 'any' });
    } else if (char === '?') {
      out.push({ kind: 'one' });
    } else if (char === '[' || char === '{') {
      const end = skipGroup(segment, i);
      if (end === segment.length) {
        out.push({ kind: 'char', char });
        continue;
      }
      i = end;
      out.push(char === '[' ? { kind: 'one' } : { kind: 'any' });
    } else {
      out.push({ kind: 'char', char: char.toLowerCase() });
    }
  }
  return out;
}

// Index of the character closing the group opened at `open`, or the length when it is not closed.
function skipGroup(text: string, open: number): number {
  const closer = CLOSERS[text[open] as string] as string;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[open]) depth++;
    else if (text[i] === closer && --depth === 0) return i;
  }
  return text.length;
}
