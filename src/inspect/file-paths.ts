// Resolves a path argument the way the filesystem server will, then follows it on disk: symlinks
// in the parents are resolved, the final component is lstat'ed (never followed), and Unicode
// equivalents count as the same name because the official server matches them.
import { lstat, readdir, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ResolvedPath {
  /** The absolute path after `file://`, `~`, `..` and repeated-slash normalisation, before symlinks. */
  lexical: string;
  /** The path with every symlink in its parents resolved (the final component is not followed). */
  real: string;
  /** What lstat found at the final component. */
  final: 'missing' | 'file' | 'directory' | 'symlink' | 'other';
  /** Where a final symlink points, when it resolves. */
  linkTarget?: string;
  /** A parent component that is a symlink to nothing, when there is one. */
  danglingParent?: string;
}

/** Normalises a path argument to an absolute lexical path, mirroring the official filesystem server. */
export function lexicalPath(raw: string, roots: readonly string[]): string {
  let value = raw;
  if (/^file:\/\//i.test(value)) value = fileURLToPath(value);
  if (value === '~' || value.startsWith('~/')) value = path.join(homedir(), value.slice(1));
  if (path.isAbsolute(value)) return path.resolve(value);
  // The server tries each root in turn and keeps the first result inside one of them.
  for (const root of roots) {
    const candidate = path.resolve(root, value);
    if (roots.some((other) => isWithin(candidate, other))) return candidate;
  }
  return path.resolve(roots[0] ?? '/', value);
}

/** Whether `child` is `parent` or below it (both absolute and normalised). */
export function isWithin(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Walks the lexical path component by component from the filesystem root. */
export async function resolveOnDisk(lexical: string): Promise<ResolvedPath> {
  const parts = lexical.split(path.sep).filter(Boolean);
  let real = path.parse(lexical).root;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as string;
    const last = index === parts.length - 1;
    const entry = await findEntry(real, part);
    if (entry === undefined) {
      return { lexical, real: path.join(real, ...parts.slice(index)), final: 'missing' };
    }
    const candidate = path.join(real, entry);
    const stats = await lstat(candidate);
    if (last) {
      if (!stats.isSymbolicLink()) {
        return { lexical, real: candidate, final: stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other' };
      }
      // A link that does not resolve (dangling, a loop, unreadable) has no target to report; every
      // write check refuses a final symlink anyway, and a read through one that does not resolve fails.
      const linkTarget = await realpath(candidate).catch(() => undefined);
      return { lexical, real: candidate, final: 'symlink', ...(linkTarget ? { linkTarget } : {}) };
    }
    if (stats.isSymbolicLink()) {
      // A parent link that does not resolve is reported as danglingParent, which the checks refuse.
      const target = await realpath(candidate).catch(() => undefined);
      if (!target) return { lexical, real: path.join(candidate, ...parts.slice(index + 1)), final: 'missing', danglingParent: candidate };
      real = target;
    } else {
      real = candidate;
    }
  }
  return { lexical, real, final: 'directory' };
}

// The exact name, or a Unicode-equivalent one (NFC/NFD), since the server writes to that one.
async function findEntry(directory: string, name: string): Promise<string | undefined> {
  try {
    await lstat(path.join(directory, name));
    return name;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  if (/^[\x00-\x7f]*$/.test(name)) return undefined;
  // A directory we cannot list shows no other spelling: the name is missing, as lstat just said.
  const entries = await readdir(directory).catch(() => [] as string[]);
  return entries.find((entry) => entry.normalize('NFC') === name.normalize('NFC'));
}

/** The roots with their own symlinks resolved (a root may itself be a link, like /tmp on macOS). */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  // A root that does not resolve (not created yet) is compared as written: nothing under it resolves either.
  return Promise.all(roots.map((root) => realpath(root).catch(() => path.resolve(root))));
}
