// Load-time check of `/regex/flags` dangerous patterns. V8's regex engine backtracks, so a pattern
// like `(a+)+` can take exponential time on a crafted argument. We parse the pattern ourselves and
// refuse anything whose running time we cannot bound, rather than trust a heuristic to be right.

/** The parts of a dangerous pattern written as `/regex/flags`. */
export interface RegexLiteral {
  source: string;
  flags: string;
}

const MAX_SOURCE = 1000;
/** A bounded repeat above this costs as much as an unbounded one. */
const BIG_REPEAT = 100;
/** More unguarded unbounded repeats than this make the match time a high polynomial. */
const MAX_UNGUARDED = 2;
/** Index 128 stands for every character outside ASCII. */
const OTHER = 128;

type CharSet = boolean[];
type Node =
  | { type: 'set'; chars: CharSet }
  | { type: 'assert' }
  | { type: 'group'; alternatives: Node[][] }
  | { type: 'repeat'; node: Node; min: number; max: number };

class Unsafe extends Error {}

/** Splits `/source/flags`; undefined when the text is a literal phrase instead. */
export function parseRegexLiteral(text: string): RegexLiteral | undefined {
  const match = /^\/(.+)\/([a-z]*)$/s.exec(text);
  return match ? { source: match[1]!, flags: match[2]! } : undefined;
}

/**
 * Why a regex is refused (a clause that completes "Regex ... is refused because"), or undefined when
 * it compiles and runs in bounded time. Only the flags i, m, s and u are accepted.
 */
export function regexSafetyProblem(source: string, flags: string): string | undefined {
  if (source.length > MAX_SOURCE) return `it is longer than ${MAX_SOURCE} characters`;
  if (!/^[imsu]*$/.test(flags) || new Set(flags).size !== flags.length) {
    return `flags "${flags}" are not supported (use i, m, s or u)`;
  }
  try {
    new RegExp(source, flags);
  } catch (error) {
    return `it does not compile (${(error as Error).message})`;
  }
  try {
    const root = new RegexParser(source, flags.includes('i')).parse();
    checkNode(root);
    const unguarded = countUnguarded(root);
    if (unguarded > MAX_UNGUARDED) {
      return `it has ${unguarded} unbounded repeats that can overlap, which can take polynomial time on long arguments`;
    }
    return undefined;
  } catch (error) {
    if (error instanceof Unsafe) return error.message;
    throw error;
  }
}

/** Compiles a regex that `regexSafetyProblem` accepted; throws with the reason otherwise. */
export function compileSafeRegex(source: string, flags: string): RegExp {
  const problem = regexSafetyProblem(source, flags);
  if (problem) throw new Error(`Regex "/${source}/${flags}" is refused because ${problem}`);
  return new RegExp(source, flags);
}

/** Star height at most one: a repeated group may hold neither a quantifier nor an alternation. */
function checkNode(node: Node): void {
  if (node.type === 'group') node.alternatives.forEach((sequence) => sequence.forEach(checkNode));
  if (node.type !== 'repeat') return;
  if (node.node.type === 'assert') throw new Unsafe('it repeats an assertion');
  if (node.node.type === 'group') {
    if (node.max > 1 && holdsVariation(node.node)) {
      throw new Unsafe('it repeats a group that holds a quantifier or an alternation (nested quantifiers can backtrack exponentially)');
    }
    checkNode(node.node);
  }
}

function holdsVariation(node: Node): boolean {
  if (node.type === 'repeat') return true;
  if (node.type !== 'group') return false;
  return node.alternatives.length > 1 || node.alternatives.some((sequence) => sequence.some(holdsVariation));
}

/**
 * Counts unbounded repeats a failing search can re-enter: one is guarded when the item before it is a
 * mandatory character that it cannot match itself, so each run of its characters is entered once.
 */
function countUnguarded(node: Node): number {
  if (node.type === 'repeat') return countUnguarded(node.node);
  if (node.type !== 'group') return 0;
  let count = 0;
  for (const sequence of node.alternatives) {
    sequence.forEach((item, index) => {
      count += countUnguarded(item);
      if (item.type !== 'repeat' || item.max <= BIG_REPEAT) return;
      const previous = sequence[index - 1];
      const previousSet = previous?.type === 'set' ? previous.chars : previous?.type === 'repeat' && previous.min >= 1 && previous.node.type === 'set' ? previous.node.chars : undefined;
      const guarded = item.node.type === 'set' && previousSet !== undefined && disjoint(item.node.chars, previousSet);
      if (!guarded) count++;
    });
  }
  return count;
}

class RegexParser {
  #pos = 0;
  readonly #src: string;
  readonly #nocase: boolean;

  constructor(source: string, nocase: boolean) {
    this.#src = source;
    this.#nocase = nocase;
  }

  parse(): Node {
    const root = this.#group(0);
    if (this.#pos < this.#src.length) throw new Unsafe('it has an unbalanced ")"');
    return root;
  }

  #group(depth: number): Node {
    if (depth > 20) throw new Unsafe('it nests groups more than 20 deep');
    const alternatives: Node[][] = [this.#sequence(depth)];
    while (this.#src[this.#pos] === '|') {
      this.#pos++;
      alternatives.push(this.#sequence(depth));
    }
    return { type: 'group', alternatives };
  }

  #sequence(depth: number): Node[] {
    const items: Node[] = [];
    while (this.#pos < this.#src.length && this.#src[this.#pos] !== '|' && this.#src[this.#pos] !== ')') {
      const atom = this.#atom(depth);
      const quantifier = this.#quantifier();
      items.push(quantifier ? { type: 'repeat', node: atom, ...quantifier } : atom);
      if (quantifier && /^[*+?]|^\{\d/.test(this.#src.slice(this.#pos))) throw new Unsafe('it repeats a quantifier');
    }
    return items;
  }

  #atom(depth: number): Node {
    const char = this.#src[this.#pos++]!;
    switch (char) {
      case '(': {
        const rest = this.#src.slice(this.#pos);
        if (/^\?(=|!|<=|<!)/.test(rest)) throw new Unsafe('it uses a lookaround');
        if (rest.startsWith('?:')) this.#pos += 2;
        else if (rest.startsWith('?<')) this.#pos = this.#src.indexOf('>', this.#pos) + 1;
        const group = this.#group(depth + 1);
        if (this.#src[this.#pos++] !== ')') throw new Unsafe('it has an unbalanced "("');
        return group;
      }
      case '[':
        return { type: 'set', chars: this.#class() };
      case '.':
        return { type: 'set', chars: full() };
      case '^':
      case '$':
        return { type: 'assert' };
      case '\\':
        return this.#escape();
      default:
        return { type: 'set', chars: this.#literal(char) };
    }
  }

  #quantifier(): { min: number; max: number } | undefined {
    const rest = this.#src.slice(this.#pos);
    const match = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})\??/.exec(rest);
    if (!match) return undefined;
    this.#pos += match[0].length;
    if (match[1] === '*') return { min: 0, max: Infinity };
    if (match[1] === '+') return { min: 1, max: Infinity };
    if (match[1] === '?') return { min: 0, max: 1 };
    const min = Number(match[2]);
    const max = match[3] === undefined ? min : match[4] ? Number(match[4]) : Infinity;
    return { min, max: max > BIG_REPEAT ? Infinity : max };
  }

  #escape(): Node {
    const char = this.#src[this.#pos++];
    if (char === undefined) throw new Unsafe('it ends with "\\"');
    if (/[1-9]/.test(char) || char === 'k') throw new Unsafe('it uses a backreference');
    if (char === 'b' || char === 'B') return { type: 'assert' };
    return { type: 'set', chars: this.#escapeSet(char) };
  }

  /** The characters an escape matches; classes we do not model count as matching anything. */
  #escapeSet(char: string): CharSet {
    const simple: Record<string, number[]> = { n: [10], t: [9], r: [13], f: [12], v: [11], '0': [0] };
    if (char === 'd') return codes(range(48, 57));
    if (char === 'w') return codes([...range(48, 57), ...range(65, 90), ...range(97, 122), 95]);
    if (char === 's') return codes([9, 10, 11, 12, 13, 32, OTHER]);
    if (simple[char]) return codes(simple[char]);
    if ('DWSpPuxc'.includes(char)) {
      const rest = this.#src.slice(this.#pos);
      const body = /^(\{[^}]*\}|[0-9a-fA-F]{2,4}|[A-Za-z])/.exec(rest);
      if (body && char !== 'D' && char !== 'W' && char !== 'S') this.#pos += body[0].length;
      return full();
    }
    return this.#literal(char);
  }

  #class(): CharSet {
    const negated = this.#src[this.#pos] === '^';
    if (negated) this.#pos++;
    const set = empty();
    while (this.#pos < this.#src.length && this.#src[this.#pos] !== ']') {
      const char = this.#src[this.#pos++]!;
      if (char === '\\') {
        const escaped = this.#src[this.#pos++];
        if (escaped === undefined) throw new Unsafe('it ends inside a character class');
        merge(set, escaped === 'b' ? codes([8]) : this.#escapeSet(escaped));
      } else if (this.#src[this.#pos] === '-' && this.#src[this.#pos + 1] !== undefined && !']\\'.includes(this.#src[this.#pos + 1]!)) {
        const end = this.#src[this.#pos + 1]!;
        this.#pos += 2;
        this.#addRange(set, char.codePointAt(0)!, end.codePointAt(0)!);
      } else {
        merge(set, this.#literal(char));
      }
    }
    if (this.#src[this.#pos++] !== ']') throw new Unsafe('it has an unclosed "["');
    // A negated class matches every non-ASCII character it does not list, so keep OTHER either way.
    return negated ? set.map((inSet, index) => index === OTHER || !inSet) : set;
  }

  #literal(char: string): CharSet {
    const set = empty();
    this.#addRange(set, char.codePointAt(0)!, char.codePointAt(0)!);
    return set;
  }

  #addRange(set: CharSet, from: number, to: number): void {
    for (let code = from; code <= Math.min(to, 127); code++) {
      set[code] = true;
      // Case folding reaches non-ASCII letters too (k and the Kelvin sign), so be generous.
      if (this.#nocase && /[A-Za-z]/.test(String.fromCharCode(code))) set[code ^ 0x20] = set[OTHER] = true;
    }
    if (to > 127) set[OTHER] = true;
  }
}

function empty(): CharSet {
  return new Array<boolean>(OTHER + 1).fill(false);
}

function full(): CharSet {
  return new Array<boolean>(OTHER + 1).fill(true);
}

function codes(list: number[]): CharSet {
  const set = empty();
  for (const code of list) set[code] = true;
  return set;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function merge(into: CharSet, from: CharSet): void {
  from.forEach((inSet, index) => (into[index] ||= inSet));
}

function disjoint(a: CharSet, b: CharSet): boolean {
  return a.every((inSet, index) => !(inSet && b[index]));
}
