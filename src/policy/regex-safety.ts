// A conservative check of a `/regex/` dangerous pattern before it is ever run on an argument. V8's
// regex engine backtracks, so a nested quantifier like `(a+)+` can take exponential time and an
// unguarded `.*` quadratic time. We parse the pattern ourselves and refuse what we cannot bound.
import { addRange, complement, empty, full, OTHER, OTHER_SPACE, range, union, withOther, type CharSet } from './char-set.js';

export type RegexCheck =
  | {
      safe: true;
      regex: RegExp;
      /** Unguarded unbounded quantifiers: 0 means linear time. */
      degree: number;
      /**
       * How to run it once over many normalised texts joined by `separator`, a character normalised
       * text never holds and no part of the regex can match, so no match runs across two texts.
       * With `^` or `$` the separator is a newline and the regex gets `m`, so they still mark each
       * text's ends. Undefined when no such separator exists.
       */
      joined: { regex: RegExp; separator: string } | undefined;
    }
  | { safe: false; why: string };

const MAX_SOURCE = 1000;
/** A bounded quantifier above this counts as unbounded. */
const BIG_REPEAT = 100;


interface Term {
  /** The characters a single-character atom matches; undefined for groups and assertions. */
  set?: CharSet;
  group?: boolean;
  assertion?: boolean;
  min: number;
  max: number;
}

class Unsafe extends Error {}

/** Checks `/source/flags`; the regex is returned compiled only when it is judged safe. */
export function checkRegex(source: string, flags: string): RegexCheck {
  if (source.length > MAX_SOURCE) return { safe: false, why: `it is longer than ${MAX_SOURCE} characters` };
  if (!/^[imsu]*$/.test(flags.replace(/[gyd]/g, ''))) return { safe: false, why: `flags "${flags}" are not supported` };
  let regex: RegExp;
  try {
    // `g` and `y` would make `test` stateful; they add nothing to a yes/no match.
    regex = new RegExp(source, flags.replace(/[gyd]/g, ''));
  } catch (error) {
    return { safe: false, why: `it does not compile: ${(error as Error).message}` };
  }
  try {
    const parser = new Parser(source, flags.includes('i'), flags.includes('s'));
    const degree = parser.parse();
    let joined: { regex: RegExp; separator: string } | undefined;
    if (parser.anchored && !parser.matches[10]) joined = { regex: new RegExp(source, `${regex.flags.replace('m', '')}m`), separator: '\n' };
    else if (!parser.anchored && !parser.matches[0]) joined = { regex, separator: '\u0000' };
    return { safe: true, regex, degree, joined };
  } catch (error) {
    if (error instanceof Unsafe) return { safe: false, why: error.message };
    throw error;
  }
}

class Parser {
  #pos = 0;
  readonly #src: string;
  readonly #nocase: boolean;
  readonly #dotAll: boolean;
  #unguarded = 0;
  /** Every character some atom can match. */
  readonly matches: CharSet = empty();
  /** Whether it uses `^` or `$`. */
  anchored = false;

  constructor(source: string, nocase: boolean, dotAll: boolean) {
    this.#src = source;
    this.#nocase = nocase;
    this.#dotAll = dotAll;
  }

  parse(): number {
    this.#alternation(0);
    if (this.#pos < this.#src.length) throw new Unsafe('it has an unbalanced ")"');
    return this.#unguarded;
  }

  /** Parses alternatives up to `)` or the end; returns whether it holds a repeat or an alternation. */
  #alternation(depth: number): { repeats: boolean; alternates: boolean } {
    let repeats = this.#sequence(depth);
    let alternates = false;
    while (this.#peek() === '|') {
      this.#pos++;
      alternates = true;
      repeats = this.#sequence(depth) || repeats;
    }
    return { repeats, alternates };
  }

  #sequence(depth: number): boolean {
    const terms: Term[] = [];
    let repeats = false;
    while (this.#pos < this.#src.length && this.#peek() !== '|' && this.#peek() !== ')') {
      // A group reads its own quantifier, since whether it may repeat depends on what it holds.
      const term = this.#atom(depth);
      if (!term.group) this.#quantifier(term);
      term.set?.forEach((inSet, index) => (this.matches[index] ||= inSet));
      if (term.max > 1) repeats = true;
      if (term.max === Infinity && !this.#guarded(term, terms[terms.length - 1])) this.#unguarded++;
      terms.push(term);
    }
    return repeats;
  }

  /**
   * An unbounded repeat is entered at most once per run of its characters when the term before it is
   * mandatory and shares no character with it; otherwise a failing search restarts inside the run.
   */
  #guarded(term: Term, previous: Term | undefined): boolean {
    if (!term.set || !previous?.set || previous.min < 1) return false;
    return term.set.every((inSet, index) => !(inSet && previous.set![index]));
  }

  #atom(depth: number): Term {
    const char = this.#src[this.#pos++]!;
    switch (char) {
      case '(': {
        if (depth > 20) throw new Unsafe('it nests groups too deeply');
        if (this.#src.startsWith('?=', this.#pos) || this.#src.startsWith('?!', this.#pos) || this.#src.startsWith('?<=', this.#pos) || this.#src.startsWith('?<!', this.#pos)) {
          throw new Unsafe('it uses a lookaround');
        }
        if (this.#src.startsWith('?:', this.#pos)) this.#pos += 2;
        else if (this.#src.startsWith('?<', this.#pos)) this.#pos = this.#src.indexOf('>', this.#pos) + 1;
        const inner = this.#alternation(depth + 1);
        if (this.#src[this.#pos++] !== ')') throw new Unsafe('it has an unbalanced "("');
        const term: Term = { group: true, min: 1, max: 1 };
        this.#quantifier(term);
        // The classic catastrophic shapes: a repeated group that itself repeats or alternates.
        if (term.max > 1 && (inner.repeats || inner.alternates)) throw new Unsafe('it repeats a group that holds a quantifier or an alternation');
        return term;
      }
      case '[':
        return { set: this.#class(), min: 1, max: 1 };
      case '.':
        return { set: this.#dotAll ? full() : complement(union([10, 13])), min: 1, max: 1 };
      case '^':
      case '$':
        this.anchored = true;
        return { assertion: true, min: 1, max: 1 };
      case '\\':
        return this.#escape();
      case '*':
      case '+':
      case '?':
        throw new Unsafe('it has a quantifier with nothing to repeat');
      case '{':
        if (/^\d+(,\d*)?\}/.test(this.#src.slice(this.#pos))) throw new Unsafe('it has a quantifier with nothing to repeat');
        return { set: this.#literal(char), min: 1, max: 1 };
      default:
        return { set: this.#literal(char), min: 1, max: 1 };
    }
  }

  #quantifier(term: Term): void {
    const q = this.#readQuantifier();
    if (!q) return;
    if (term.assertion) throw new Unsafe('it repeats an assertion');
    term.min = q.min;
    term.max = q.max > BIG_REPEAT ? Infinity : q.max;
    if (this.#readQuantifier() !== undefined) throw new Unsafe('it repeats a quantifier');
  }

  #readQuantifier(): { min: number; max: number } | undefined {
    const rest = this.#src.slice(this.#pos);
    let match: RegExpMatchArray | null;
    let q: { min: number; max: number } | undefined;
    if (rest[0] === '*') q = { min: 0, max: Infinity };
    else if (rest[0] === '+') q = { min: 1, max: Infinity };
    else if (rest[0] === '?') q = { min: 0, max: 1 };
    if (q) this.#pos++;
    else if ((match = /^\{(\d+)(,(\d*))?\}/.exec(rest))) {
      this.#pos += match[0].length;
      const min = Number(match[1]);
      q = { min, max: match[2] === undefined ? min : match[3] ? Number(match[3]) : Infinity };
    }
    if (q && this.#peek() === '?') this.#pos++; // lazy: same cost bound
    return q;
  }

  #escape(): Term {
    const char = this.#src[this.#pos++];
    if (char === undefined) throw new Unsafe('it ends with "\\"');
    if (/[1-9]/.test(char) || char === 'k') throw new Unsafe('it uses a backreference');
    if (char === 'b' || char === 'B') return { assertion: true, min: 1, max: 1 };
    return { set: this.#escapeSet(char), min: 1, max: 1 };
  }

  /** The set of an escape after `\`, already consumed; unknown escapes count as matching anything. */
  #escapeSet(char: string): CharSet {
    switch (char) {
      case 'd':
        return union(range(48, 57));
      case 'w': {
        const set = union(range(48, 57), range(65, 90), range(97, 122), [95]);
        return this.#nocase ? withOther(set) : set;
      }
      case 's':
        return withOther(union([9, 10, 11, 12, 13, 32]), OTHER_SPACE);
      case 'D':
        return complement(this.#escapeSet('d'));
      case 'W':
        return complement(this.#escapeSet('w'));
      case 'S':
        return complement(this.#escapeSet('s'));
      case 'p':
      case 'P':
      case 'u':
      case 'x':
      case 'c':
        this.#skipEscapeBody(char);
        return full();
      case 'n':
        return union([10]);
      case 't':
        return union([9]);
      case 'r':
        return union([13]);
      case 'f':
        return union([12]);
      case 'v':
        return union([11]);
      case '0':
        return union([0]);
      default:
        return this.#literal(char);
    }
  }

  #skipEscapeBody(char: string): void {
    const rest = this.#src.slice(this.#pos);
    const body = char === 'p' || char === 'P' ? /^\{[^}]*\}/.exec(rest) : char === 'u' ? /^(\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})/.exec(rest) : char === 'x' ? /^[0-9a-fA-F]{2}/.exec(rest) : char === 'c' ? /^[A-Za-z]/.exec(rest) : null;
    if (body) this.#pos += body[0].length;
  }

  #class(): CharSet {
    const negated = this.#peek() === '^';
    if (negated) this.#pos++;
    const set = empty();
    while (this.#pos < this.#src.length && this.#peek() !== ']') {
      let char = this.#src[this.#pos++]!;
      if (char === '\\') {
        const escaped = this.#src[this.#pos++];
        if (escaped === undefined) throw new Unsafe('it ends inside a character class');
        const part = escaped === 'b' ? union([8]) : this.#escapeSet(escaped);
        part.forEach((inSet, index) => (set[index] ||= inSet));
        continue;
      }
      if (this.#peek() === '-' && this.#src[this.#pos + 1] !== ']' && this.#src[this.#pos + 1] !== undefined && this.#src[this.#pos + 1] !== '\\') {
        this.#pos++;
        const end = this.#src[this.#pos++]!;
        addRange(set, char.codePointAt(0)!, end.codePointAt(0)!, this.#nocase);
        continue;
      }
      if (char.charCodeAt(0) >= 0xd800 && char.charCodeAt(0) <= 0xdbff) char += this.#src[this.#pos++] ?? '';
      this.#literal(char).forEach((inSet, index) => (set[index] ||= inSet));
    }
    if (this.#src[this.#pos++] !== ']') throw new Unsafe('it has an unclosed "["');
    // A negated class matches all non-ASCII characters it does not list, so both are set either way.
    return negated ? set.map((inSet, index) => index >= OTHER || !inSet) : set;
  }

  #literal(char: string): CharSet {
    const set = empty();
    addRange(set, char.codePointAt(0)!, char.codePointAt(0)!, this.#nocase);
    return set;
  }

  #peek(): string | undefined {
    return this.#src[this.#pos];
  }
}
