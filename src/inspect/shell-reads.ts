// What a command line reads that it must not, in every shell mode: a sensitive file named by any
// word or redirection (also inside a flag, `--file=~/.ssh/x`, or a revision, `HEAD:.env`), a glob
// that could expand onto one, a directory holding one when the command recurses, and bash's
// network devices `/dev/tcp` and `/dev/udp`, which open a connection instead of a file.
import type { Node } from 'web-tree-sitter';
import { lstat } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { Refusal } from '../policy/types.js';
import { bashParser } from './parsers.js';
import { basename, innerCommands, scriptArgument } from './shell-canonical.js';
import { excerpt, hasPatternChars, wordValue, type WordValue } from './shell-words.js';
import { absolutePath, isDirectory, readRefusal, sensitiveGlob, sensitiveInside, sensitivePath, TOO_LARGE, type ReadScope, type SensitiveHit } from './sensitive-reads.js';

const MAX_SCRIPT_DEPTH = 3;

interface ReadCommand {
  words: WordValue[];
}

export interface ShellReads {
  /** A literal sensitive read or a network device: refused in every mode. */
  refusal?: Refusal;
  /**
   * A recursive read of a directory that holds a sensitive path: refused in restricted mode only,
   * since in unrestricted mode a recursive command over `/` (`find / -exec …`) is the user's choice.
   */
  violation?: string;
}

/** The forbidden reads of a command line. Call `initParsers()` first. */
export async function shellReads(command: string, scope: ReadScope): Promise<ShellReads> {
  const commands = readCommands(command, 0);
  // What cannot be read for its file names cannot be cleared of secrets (fail closed, in every mode).
  if (commands === undefined) return { refusal: { rule: 'shell parse', source: 'default', message: 'the command could not be parsed to look for reads of sensitive paths' } };
  const found: ShellReads = {};
  for (const read of commands) {
    await commandReads(read, scope, found);
    if (found.refusal) break;
  }
  return found;
}

// Every command anywhere in the tree (substitutions, subshells, `sh -c` scripts) and every
// redirection target as a one-word command of its own.
function readCommands(text: string, depth: number): ReadCommand[] | undefined {
  const parser = bashParser();
  if (!parser) return undefined;
  const tree = parser.parse(text);
  if (!tree) return undefined;
  const out: ReadCommand[] = [];
  try {
    const stack: Node[] = [tree.rootNode];
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      if (node.type === 'command') {
        const nameNode = node.childForFieldName('name');
        const words = [nameNode, ...node.childrenForFieldName('argument')].flatMap((word) => (word ? [wordValue(word)] : []));
        out.push({ words });
        const script = scriptArgument(words.map((word) => word.value));
        if (script !== undefined && depth < MAX_SCRIPT_DEPTH) out.push(...(readCommands(script, depth + 1) ?? []));
      } else if (node.type === 'file_redirect' || node.type === 'herestring_redirect') {
        for (const target of node.namedChildren) {
          if (target && target.type !== 'file_descriptor') out.push({ words: [{ value: '', segments: [], problems: [] }, wordValue(target)] });
        }
      }
      for (let i = node.childCount - 1; i >= 0; i--) {
        const child = node.child(i);
        if (child) stack.push(child);
      }
    }
  } finally {
    tree.delete();
  }
  return out;
}

async function commandReads(read: ReadCommand, scope: ReadScope, found: ShellReads): Promise<void> {
  const values = read.words.map((word) => readable(word));
  const name = values[0] ?? '';
  const what = name ? `"${excerpt(name)}"` : 'a redirection';
  const recursion = [values, ...innerCommands(values)].map(recursiveRead).find((found) => found !== undefined);
  let named = false;
  const script = scriptArgument(values);
  for (const [index, word] of read.words.entries()) {
    const value = values[index] as string;
    for (const candidate of braceVariants(value).flatMap(candidates)) {
      const device = networkDevice(candidate, scope.cwd);
      if (device) {
        found.refusal = device;
        return;
      }
    }
    if (index === 0 && read.words.length > 1) continue;
    // A substitution or an `sh -c` script is a command of its own, checked as such.
    if (word.problems.some((problem) => problem.includes('substitution')) || (script !== undefined && value === script)) continue;
    const hit = await wordHit(word, value, scope, recursion !== undefined);
    if (hit === 'exists') named = true;
    else if (hit) {
      if (!record(found, readRefusal(hit, scope, what), hit)) return;
      named = true;
    }
  }
  if (recursion?.implicit === 'always' || (recursion?.implicit === 'unless-named' && !named)) {
    const hit = await sensitiveInside(scope.cwd, scope);
    if (hit) record(found, readRefusal(hit, scope, `${what} without a path`), { ...hit, inside: hit.inside ?? scope.cwd });
  }
}

// Files a recursive read reaches inside a directory are a violation; a named one is a refusal.
// Returns whether to keep looking (for a refusal, which wins).
function record(found: ShellReads, refusal: Refusal, hit: SensitiveHit): boolean {
  if (hit.inside === undefined && hit.glob !== TOO_LARGE) {
    found.refusal = refusal;
    return false;
  }
  found.violation ??= refusal.message;
  return true;
}

// A word's value with $HOME written out: restricted mode refuses expansions anyway, and in
// unrestricted mode the literal reads are still worth refusing.
function readable(word: WordValue): string {
  if (word.problems.length === 0) return word.value;
  return word.value.replace(/\$\{HOME\}|\$HOME(?![A-Za-z0-9_])/g, homedir());
}

/**
 * The sensitive path a word reaches, 'exists' when it names an existing path that is fine, or
 * undefined. Globs are judged by what they could expand to.
 */
async function wordHit(word: WordValue, value: string, scope: ReadScope, recursive: boolean): Promise<SensitiveHit | 'exists' | undefined> {
  let exists = false;
  if (word.problems.length === 0 && hasPatternChars(word.segments)) {
    const reach = await sensitiveGlob(absolutePath(globPattern(word), scope.cwd), scope);
    if (reach.hit) return reach.hit;
    for (const match of reach.matches) {
      exists = true;
      if (recursive && (await isDirectory(match))) {
        const hit = await sensitiveInside(match, scope);
        if (hit) return hit;
      }
    }
  }
  for (const candidate of candidates(value)) {
    const absolute = absolutePath(candidate, scope.cwd);
    const hit = await sensitivePath(absolute, scope);
    if (hit) return hit;
    const directory = await isDirectory(absolute);
    if (candidate === value && (directory || (await exists_(absolute)))) exists = true;
    if (recursive && directory) {
      const inside = await sensitiveInside(absolute, scope);
      if (inside) return inside;
    }
  }
  return exists ? 'exists' : undefined;
}

async function exists_(absolute: string): Promise<boolean> {
  return lstat(absolute).then(() => true, () => false);
}

/**
 * The paths a word may name: itself, the value of a flag (`--file=x`, `-fx`), the right side of an
 * assignment-like word (`if=x`), and the path of a `rev:path` or `host:path`.
 */
export function candidates(value: string): string[] {
  const out = new Set<string>();
  const equals = value.indexOf('=');
  if (equals !== -1) out.add(value.slice(equals + 1));
  if (/^-[^-]/.test(value)) {
    for (let i = 2; i < value.length; i++) if ('/~.'.includes(value[i] as string)) out.add(value.slice(i));
  }
  const colon = value.indexOf(':');
  if (colon !== -1) out.add(value.slice(colon + 1));
  // The word itself last, so a refusal names the path a flag carries rather than the whole flag.
  out.delete(value);
  out.add(value);
  out.delete('');
  return [...out];
}

// What brace expansion makes of a word (`/dev/{tcp,x}/h/80`), capped: unrestricted mode does not
// refuse braces, and bash expands them before it looks at a redirection's target.
function braceVariants(value: string): string[] {
  let out = [value];
  for (let round = 0; round < 4; round++) {
    const next = out.flatMap((word) => {
      const group = /\{([^{}]*,[^{}]*)\}/.exec(word);
      if (!group) return [word];
      return group[1]!.split(',').map((choice) => word.slice(0, group.index) + choice + word.slice(group.index + group[0].length));
    });
    if (next.length === out.length || next.length > 64) return next.slice(0, 64);
    out = next;
  }
  return out;
}

// The word as a glob: quoted parts escaped, so only the unquoted wildcards stay wildcards.
function globPattern(word: WordValue): string {
  return word.segments.map((segment) => (segment.quoted ? segment.text.replace(/[\\*?[\]{}()!+@]/g, '\\$&') : segment.text)).join('');
}

/** bash opens a socket for /dev/tcp/HOST/PORT and /dev/udp/…; any spelling that folds to one is refused. */
function networkDevice(candidate: string, cwd: string): Refusal | undefined {
  if (!/(tcp|udp)/i.test(candidate)) return undefined;
  // Also inside a longer word (`3<>/dev/tcp/…` in a script, `x=/dev/tcp/…`): every '/' may start one.
  const starts = [0, ...[...candidate.matchAll(/(?<!\/)\//g)].map((match) => match.index)];
  const device = starts
    .map((start) => /^\/dev\/(tcp|udp)(\/|$)/.exec(absolutePath(candidate.slice(start), cwd).toLowerCase())?.[1])
    .find((found) => found !== undefined);
  if (!device) return undefined;
  return {
    rule: `network device "/dev/${device}"`,
    source: 'built-in',
    message: `"${excerpt(candidate)}" is bash's /dev/${device}, which opens a network connection (a DNS lookup and a connect); use a tool made for network access`,
  };
}

interface Recursion {
  /** Whether the working directory is read when no path is named ('unless-named'), or always when no operand is given ('always'). */
  implicit: 'always' | 'unless-named' | 'never';
}

/** Whether a command reads the directories it is given recursively, and whether it defaults to `.`. */
export function recursiveRead(words: readonly string[]): Recursion | undefined {
  const name = basename(words[0] ?? '');
  const args = words.slice(1);
  const flags = args.filter((arg) => arg.startsWith('-') && arg !== '-');
  const short = (letters: string) => flags.some((flag) => !flag.startsWith('--') && [...flag.slice(1)].some((letter) => letters.includes(letter)));
  const long = (...names: string[]) => flags.some((flag) => names.some((option) => flag === option || flag.startsWith(`${option}=`)));
  const positionals = args.filter((arg) => !arg.startsWith('-') || arg === '-').length;
  switch (name) {
    case 'grep':
    case 'egrep':
    case 'fgrep':
    case 'zgrep':
    case 'rgrep': {
      const recurse = name === 'rgrep' || short('rR') || long('--recursive', '--dereference-recursive') || /(^|\s)(-d|--directories)[= ]?recurse/.test(args.join(' '));
      if (!recurse) return undefined;
      // Without a file operand, grep -r searches ".".
      const patternGiven = short('ef') || long('--regexp', '--file');
      return { implicit: positionals <= (patternGiven ? 0 : 1) ? 'always' : 'never' };
    }
    case 'rg':
    case 'ag':
    case 'ack': {
      const patternGiven = short('ef') || long('--regexp', '--file', '--files');
      return { implicit: positionals <= (patternGiven ? 0 : 1) ? 'always' : 'never' };
    }
    case 'find':
    case 'tree':
    case 'du':
      return { implicit: 'unless-named' };
    case 'ls':
      return short('R') || long('--recursive') ? { implicit: 'unless-named' } : undefined;
    case 'diff':
      return short('r') || long('--recursive') ? { implicit: 'never' } : undefined;
    case 'git':
      return args.includes('--no-index') ? { implicit: 'never' } : undefined;
    case 'tar':
    case 'bsdtar':
    case 'rsync':
    case 'scp':
    case 'cp':
    case 'zip':
      return { implicit: 'never' };
    default:
      return undefined;
  }
}
