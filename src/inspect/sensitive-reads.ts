// Whether a read reaches a sensitive path: the path as written and where its symlinks lead, the
// /proc aliases of the root and working directory, a glob that could expand onto one, and a
// directory that holds one when the reader recurses. Shared by the shell and filesystem checks.
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Refusal } from '../policy/types.js';
import { sensitiveReadGlobs, sensitiveReadMatcher, sensitiveSource } from './file-sensitive.js';
import { globsOverlap } from './glob-overlap.js';
import { isWithin } from './file-paths.js';

export interface ReadScope {
  /** Directory a relative path is resolved against: where the server runs the command or reads. */
  cwd: string;
  /** Configured globs (`inspect.sensitivePaths`, which includes the top-level ones). */
  extra?: readonly string[];
  /** Where each configured glob was written. */
  sources?: Readonly<Record<string, string>>;
}

/** A sensitive path a read reaches, and the glob it matched (or why the reach cannot be bounded). */
export interface SensitiveHit {
  path: string;
  glob: string;
  /** The directory read recursively that holds `path`, when that is how it is reached. */
  inside?: string;
}

/** Most directory entries looked at for one recursive read or glob; past it the read is refused. */
export const MAX_ENTRIES = 20_000;

/** The rule reported when a directory is too large to search for sensitive paths. */
export const TOO_LARGE = 'sensitive paths (directory too large to check)';

/**
 * The absolute path bash or a server opens for `raw`: `~`, `~+` and `~user` expanded, relative
 * paths resolved against `cwd`, `.`, `..` and repeated slashes folded, and `/proc/<pid>/root` and
 * `/proc/<pid>/cwd` (also per thread) replaced by what they alias.
 */
export function absolutePath(raw: string, cwd: string): string {
  let value = raw;
  if (value === '~' || value.startsWith('~/')) value = path.join(homedir(), value.slice(1));
  else if (value === '~+' || value.startsWith('~+/')) value = path.join(cwd, value.slice(2));
  else if (/^~[A-Za-z0-9._-]+(\/|$)/.test(value)) value = otherHome(value);
  return foldPath(path.isAbsolute(value) ? value : `${cwd}/${value}`, cwd);
}

// Folds `.`, `..` and repeated slashes component by component, as the kernel walks a path, so that
// `/proc/self/cwd/..` is the parent of the working directory rather than `/proc/self`.
function foldPath(absolute: string, cwd: string): string {
  const out: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
    const joined = `/${out.join('/')}`;
    const alias = /^\/proc\/[^/]+(?:\/task\/[^/]+)?\/(root|cwd)$/.exec(joined);
    if (alias) out.splice(0, out.length, ...(alias[1] === 'root' ? [] : cwd.split('/').filter(Boolean)));
  }
  return `/${out.join('/')}`;
}

// `~user/…`: the home of another user, which on the systems we serve is /home/user (or /root).
function otherHome(value: string): string {
  const slash = value.indexOf('/');
  const user = slash === -1 ? value.slice(1) : value.slice(1, slash);
  const rest = slash === -1 ? '' : value.slice(slash);
  return `${user === 'root' ? '/root' : path.join(path.dirname(homedir()), user)}${rest}`;
}

/** The sensitive glob an absolute path matches, as written or after resolving its symlinks. */
export async function sensitivePath(absolute: string, scope: ReadScope): Promise<SensitiveHit | undefined> {
  const matcher = sensitiveReadMatcher(scope.extra);
  for (const candidate of [absolute, await realish(absolute)]) {
    const glob = matcher(candidate);
    if (glob) return { path: candidate, glob };
  }
  return undefined;
}

/**
 * The sensitive path a recursive read of `directory` reaches: the directory itself, a fixed
 * sensitive location under it (`~/.ssh` under `~`), or a file found by walking it (a project's
 * `.env`); symbolic links inside are followed to where they lead.
 */
export async function sensitiveInside(directory: string, scope: ReadScope): Promise<SensitiveHit | undefined> {
  const own = await sensitivePath(directory, scope);
  if (own) return own;
  const real = await realish(directory);
  const under = fixedUnder(real, scope) ?? fixedUnder(directory, scope);
  if (under) return { ...under, inside: directory };
  return walk(real, scope, directory);
}

// A sensitive glob whose fixed part lies in `directory`, or that could match below `directory`.
function fixedUnder(directory: string, scope: ReadScope): SensitiveHit | undefined {
  for (const { glob, expanded } of sensitiveReadGlobs(scope.extra)) {
    const base = picomatch.scan(expanded).base;
    if (!base.startsWith('/')) continue;
    if (isWithin(base, directory)) return { path: base, glob };
    if (isWithin(directory, base) && globsOverlap(`${directory}/**`, expanded)) return { path: directory, glob };
  }
  return undefined;
}

async function walk(root: string, scope: ReadScope, shown: string): Promise<SensitiveHit | undefined> {
  const matcher = sensitiveReadMatcher(scope.extra);
  // Breadth first, names sorted: the nearest hit is reported, the same one every time.
  const queue = [root];
  let seen = 0;
  for (let next = 0; next < queue.length; next++) {
    const directory = queue[next] as string;
    let entries: Dirent[];
    try {
      entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) return { path: shown, glob: TOO_LARGE, inside: shown };
      const full = path.join(directory, entry.name);
      const glob = matcher(full);
      if (glob) return { path: full, glob, inside: shown };
      if (entry.isDirectory()) queue.push(full);
      else if (entry.isSymbolicLink()) {
        // grep -R, tar -h and cp -L follow links; where a link leads is read too.
        // A link that does not resolve cannot be read through: there is nothing behind it to refuse.
        const target = await realpath(full).catch(() => undefined);
        if (!target) continue;
        const hit = (await sensitivePath(target, scope)) ?? fixedUnder(target, scope);
        if (hit) return { ...hit, inside: shown };
      }
    }
  }
  return undefined;
}

export interface GlobReach {
  hit?: SensitiveHit;
  /** What the glob expands to on disk now (bash passes the word unchanged when nothing matches). */
  matches: string[];
}

/**
 * Whether an absolute glob (quoted parts escaped) could expand onto a sensitive path: it overlaps a
 * sensitive glob with a fixed location, or one of its expansions on disk now is sensitive.
 */
export async function sensitiveGlob(pattern: string, scope: ReadScope): Promise<GlobReach> {
  for (const { glob, expanded } of sensitiveReadGlobs(scope.extra)) {
    if (expanded.startsWith('/') && globsOverlap(pattern, expanded)) return { hit: { path: pattern, glob }, matches: [] };
  }
  const matches: string[] = [];
  const budget = { entries: 0 };
  const scan = picomatch.scan(pattern, { parts: true });
  const base = scan.base || '/';
  const rest = pattern.slice(scan.base.length).split('/').filter(Boolean);
  const recursiveBase = await expand(base, rest, matches, budget);
  if (recursiveBase) {
    const hit = await sensitiveInside(recursiveBase, scope);
    if (hit) return { hit, matches };
  }
  if (budget.entries > MAX_ENTRIES) return { hit: { path: pattern, glob: TOO_LARGE }, matches };
  for (const match of matches) {
    const hit = await sensitivePath(match, scope);
    if (hit) return { hit, matches };
  }
  return { matches };
}

// Expands glob segments the way bash does with dotglob and globstar off; a `**` segment is
// reported as the directory it would search, since globstar may be on in the server's shell.
async function expand(directory: string, segments: string[], out: string[], budget: { entries: number }): Promise<string | undefined> {
  if (segments.length === 0) {
    out.push(directory);
    return undefined;
  }
  const [segment, ...rest] = segments as [string, ...string[]];
  if (segment === '**' || segment.includes('**')) return directory;
  if (!picomatch.scan(segment).isGlob) {
    return expand(path.join(directory, segment.replace(/\\(.)/g, '$1')), rest, out, budget);
  }
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return undefined;
  }
  budget.entries += names.length;
  if (budget.entries > MAX_ENTRIES) return undefined;
  const test = picomatch(segment, { dot: segment.startsWith('.') });
  for (const name of names) {
    if (!test(name)) continue;
    const found = await expand(path.join(directory, name), rest, out, budget);
    if (found) return found;
  }
  return undefined;
}

/** Whether an absolute path is an existing directory (after links). */
export async function isDirectory(absolute: string): Promise<boolean> {
  return stat(absolute).then((info) => info.isDirectory(), () => false);
}

/** The refusal for a read that reaches a sensitive path. */
export function readRefusal(hit: SensitiveHit, scope: ReadScope, what: string): Refusal {
  if (hit.glob === TOO_LARGE) {
    return {
      rule: TOO_LARGE,
      source: 'built-in',
      message: `${what} reads "${hit.path}" recursively, which has more than ${MAX_ENTRIES} entries to check for sensitive files; name a narrower directory`,
    };
  }
  const via = hit.inside ? `"${hit.inside}", which holds "${hit.path}"` : `"${hit.path}"`;
  return {
    rule: `sensitive path "${hit.glob}"`,
    source: sensitiveSource(hit.glob, scope.sources),
    message: `${what} reads ${via}, a sensitive path (matches "${hit.glob}")`,
  };
}

// The path with its symlinks resolved as far as it exists; the missing rest is appended.
async function realish(absolute: string): Promise<string> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    // Not there (or not readable): resolve the parent instead and append the rest below.
    const real = await realpath(current).catch(() => undefined);
    if (real !== undefined) return path.join(real, ...missing.reverse());
    const parent = path.dirname(current);
    if (parent === current) return absolute;
    missing.push(path.basename(current));
    current = parent;
  }
}
