// A list of glob rules compiled for speed. Rules are bucketed by their literal server segment (a call
// to `github/x` only tries rules written for `github`), or for a wildcard server by the tool's first
// character (`*\/delete*` is only tried on tools starting with "d"), plus the rest; and within
// a bucket literal names go in a map and globs into combined regexes whose capture groups say which
// rule matched first. A lookup costs a map hit and one regex run per 64 globs it has to consider.
import picomatch from 'picomatch';

/** Anything with a glob and the place it was written: a Rule, a CeilingRule. */
export interface PatternRule {
  pattern: string;
  source: string;
}

export interface RuleListOptions {
  /** Match case-insensitively (deny, ask and ceiling rules). */
  nocase: boolean;
  /**
   * What a pattern that cannot be compiled does: `match` (it matches everything, for lists where a
   * match is the stricter outcome) or `never` (for lists where a match loosens, like allow).
   */
  onInvalid: 'match' | 'never';
}

export interface RuleList<R extends PatternRule> {
  /** The first rule, in list order, that matches `subject`; undefined when none does. */
  first(subject: string): R | undefined;
  /** Every rule that matches `subject`, in list order. */
  all(subject: string): R[];
  readonly size: number;
}

/** Only these patterns are taken literally; anything else goes through picomatch. */
const LITERAL = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)?$/;
/** A first segment that can only match itself, so the rule can be bucketed under it. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_-]+$/;
/**
 * A wildcard server with a tool part that starts with a literal character (`*\/delete*`): such a
 * rule can only match tools starting with that character, so it is bucketed under it.
 */
const WILDCARD_SERVER = /^(?:[A-Za-z0-9_?*-]+|\*\*)\/([A-Za-z0-9_-])[^/]*$/;

interface Compiled {
  index: number;
  re: RegExp;
}

/**
 * Globs in one regex: V8 runs a few dozen alternatives in one pass much faster than one by one, but
 * slows down sharply past a few hundred, so a bucket's globs are split into chunks of this many.
 */
const CHUNK = 64;

/** Consecutive globs of a bucket combined into one regex. */
interface Chunk {
  globs: Compiled[];
  /** Undefined when it cannot be built: then each glob is tried alone. */
  combined: RegExp | undefined;
  /** For alternative k of `combined`, the number of its capture group. */
  groupOf: number[];
}

/** The rules of one bucket, compiled. */
interface Group {
  literals: Map<string, number>;
  chunks: Chunk[];
}

/** Compiles `rules` once; never throws for a bad pattern (see `onInvalid`). */
export function compileRuleList<R extends PatternRule>(rules: readonly R[], options: RuleListOptions): RuleList<R> {
  const fold = (text: string) => (options.nocase ? text.toLowerCase() : text);
  const alwaysMatching: number[] = [];
  type Entry = { index: number; pattern: string; re: RegExp };
  const byServer = new Map<string, Entry[]>();
  const byToolStart = new Map<string, Entry[]>();
  const anyServer: Entry[] = [];
  const add = (map: Map<string, Entry[]>, key: string, entry: Entry) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key)!.push(entry);
  };

  rules.forEach((rule, index) => {
    const re = globRegex(rule.pattern, options.nocase);
    if (re === undefined) {
      if (options.onInvalid === 'match') alwaysMatching.push(index);
      return;
    }
    const slash = rule.pattern.indexOf('/');
    const segment = slash < 0 ? rule.pattern : rule.pattern.slice(0, slash);
    const toolStart = WILDCARD_SERVER.exec(rule.pattern)?.[1];
    if (PLAIN_SEGMENT.test(segment)) add(byServer, fold(segment), { index, pattern: rule.pattern, re });
    else if (toolStart !== undefined) add(byToolStart, fold(toolStart), { index, pattern: rule.pattern, re });
    else anyServer.push({ index, pattern: rule.pattern, re });
  });
  const compileAll = (map: Map<string, Entry[]>) => new Map([...map].map(([key, entries]) => [key, compileGroup(entries, options.nocase)]));
  const servers = compileAll(byServer);
  const toolStarts = compileAll(byToolStart);
  const wildcard = compileGroup(anyServer, options.nocase);

  function candidates(subject: string): Group[] {
    const slash = subject.indexOf('/');
    const found = [wildcard];
    const server = servers.get(fold(slash < 0 ? subject : subject.slice(0, slash)));
    if (server) found.push(server);
    const toolStart = slash < 0 ? undefined : toolStarts.get(fold(subject.charAt(slash + 1)));
    if (toolStart) found.push(toolStart);
    return found;
  }

  return {
    size: rules.length,
    first(subject) {
      let best = alwaysMatching.length > 0 ? alwaysMatching[0]! : Infinity;
      for (const group of candidates(subject)) best = Math.min(best, firstInGroup(group, subject, fold));
      return best === Infinity ? undefined : rules[best];
    },
    all(subject) {
      const found = [...alwaysMatching];
      for (const group of candidates(subject)) found.push(...allInGroup(group, subject, fold));
      return found.sort((a, b) => a - b).map((index) => rules[index]!);
    },
  };
}

function compileGroup(entries: Array<{ index: number; pattern: string; re: RegExp }>, nocase: boolean): Group {
  const literals = new Map<string, number>();
  const globs: Compiled[] = [];
  for (const { index, pattern, re } of entries) {
    const key = nocase ? pattern.toLowerCase() : pattern;
    if (LITERAL.test(pattern)) {
      if (!literals.has(key)) literals.set(key, index);
    } else {
      globs.push({ index, re });
    }
  }
  const chunks: Chunk[] = [];
  for (let i = 0; i < globs.length; i += CHUNK) {
    const slice = globs.slice(i, i + CHUNK);
    chunks.push({ globs: slice, ...combine(slice, nocase ? 'i' : '') });
  }
  return { literals, chunks };
}

function firstInGroup(group: Group, subject: string, fold: (text: string) => string): number {
  const literal = group.literals.get(fold(subject)) ?? Infinity;
  for (const chunk of group.chunks) {
    // Chunks are in list order: once one starts after the literal hit, nothing earlier is left.
    if (chunk.globs[0]!.index > literal) break;
    const index = firstInChunk(chunk, subject);
    if (index !== undefined) return Math.min(literal, index);
  }
  return literal;
}

function firstInChunk(chunk: Chunk, subject: string): number | undefined {
  if (!chunk.combined) return chunk.globs.find((glob) => glob.re.test(subject))?.index;
  const match = chunk.combined.exec(subject);
  if (!match) return undefined;
  // Alternatives are tried in list order, so the first one that took part is the first rule.
  for (let k = 0; k < chunk.groupOf.length; k++) {
    if (match[chunk.groupOf[k]!] !== undefined) return chunk.globs[k]!.index;
  }
  return undefined;
}

function allInGroup(group: Group, subject: string, fold: (text: string) => string): number[] {
  const found: number[] = [];
  const literal = group.literals.get(fold(subject));
  if (literal !== undefined) found.push(literal);
  for (const chunk of group.chunks) {
    if (chunk.combined && !chunk.combined.test(subject)) continue;
    for (const glob of chunk.globs) if (glob.re.test(subject)) found.push(glob.index);
  }
  return found;
}

/** The pattern as picomatch compiles it, or undefined when it cannot be used as a rule. */
function globRegex(pattern: string, nocase: boolean): RegExp | undefined {
  // `!` negation is a config error (README "How a call is decided"); if one gets here, refuse to guess what it meant.
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.startsWith('!')) return undefined;
  try {
    return picomatch.makeRe(pattern, { dot: true, nocase });
  } catch {
    return undefined;
  }
}

/**
 * One anchored regex for all globs of a group, each alternative in a capture group of its own so a
 * match tells which one matched. Undefined when it cannot be built: then each glob is tried alone.
 */
function combine(globs: Compiled[], flags: string): { combined: RegExp | undefined; groupOf: number[] } {
  if (globs.length === 0) return { combined: undefined, groupOf: [] };
  const groupOf: number[] = [];
  let next = 1;
  const bodies = globs.map(({ re }) => {
    const source = re.source;
    const stripped = source.slice(4, -2);
    // picomatch emits `^(?:body)$`; strip the anchors so the combined regex is anchored once. The
    // body must stand alone as a regex, so the stripped parentheses really were the outer pair.
    const body = source.startsWith('^(?:') && source.endsWith(')$') && captureCount(stripped, flags) !== undefined ? stripped : `(?:${source})`;
    groupOf.push(next);
    next += 1 + (captureCount(body, flags) ?? 0);
    return `(${body})`;
  });
  try {
    return { combined: new RegExp(`^(?:${bodies.join('|')})$`, flags), groupOf };
  } catch {
    return { combined: undefined, groupOf: [] };
  }
}

/** How many capture groups `source` has; undefined when it is not a regex on its own. */
function captureCount(source: string, flags: string): number | undefined {
  try {
    return new RegExp(`${source}|`, flags).exec('')!.length - 1;
  } catch {
    return undefined;
  }
}
