// The restricted shell's read-only allowlist: which programs may run, and for each the flags that
// would make it write a file, run another program or change system state.

export interface CommandSpec {
  /** Flags that make the command write or execute. Long ones are also refused when abbreviated. */
  forbidden?: string[];
  /** Whether `-abc` means `-a -b -c` (getopt style); false for find's single-dash words. */
  clusters?: boolean;
  /** Short flags that take the rest of their cluster or the next word as a value. */
  valueFlags?: string[];
  /** Most positional arguments allowed (uniq's second operand is an output file). */
  maxPositionals?: number;
  /** Command-specific check of the arguments; returns a violation. */
  check?: (args: string[]) => string | undefined;
}

const GIT_SUBCOMMANDS = new Set(['status', 'log', 'diff', 'show', 'branch', 'rev-parse', 'ls-files', 'blame']);

// Global options that only change output or locking; everything else before the subcommand is
// refused, because -c, -C, --git-dir and friends let the caller pick config that runs programs.
const GIT_SAFE_GLOBALS = new Set([
  '--no-pager', '-P', '--no-optional-locks', '--literal-pathspecs', '--glob-pathspecs',
  '--noglob-pathspecs', '--icase-pathspecs', '--no-replace-objects',
]);

/** Flags of the allowed git subcommands that write a file or run a program named by the caller. */
export const GIT_FORBIDDEN = ['--output', '--ext-diff', '--textconv', '--exec-path', '--config-env', '--git-dir', '--work-tree', '--paginate', '--exec'];

const BRANCH_FLAGS = new Set([
  '-a', '--all', '-r', '--remotes', '-l', '--list', '-v', '-vv', '--verbose', '-i', '--ignore-case',
  '--show-current', '--color', '--no-color', '--column', '--no-column', '--no-abbrev', '--omit-empty',
  '--sort', '--format', '--merged', '--no-merged', '--contains', '--no-contains', '--points-at', '--abbrev',
]);
const BRANCH_VALUE_FLAGS = new Set(['--sort', '--format', '--merged', '--no-merged', '--contains', '--no-contains', '--points-at']);

function checkGit(args: string[]): string | undefined {
  let index = 0;
  for (; index < args.length; index++) {
    const arg = args[index] as string;
    if (!arg.startsWith('-')) break;
    if (!GIT_SAFE_GLOBALS.has(arg)) return `git option "${arg}" is not allowed`;
  }
  const subcommand = args[index];
  if (subcommand === undefined) return undefined;
  if (!GIT_SUBCOMMANDS.has(subcommand)) return `"git ${subcommand}" is not on the read-only allowlist`;
  const rest = args.slice(index + 1);
  const flag = findForbidden(rest, { forbidden: GIT_FORBIDDEN, clusters: false });
  if (flag) return `"git ${subcommand}" flag "${flag}" is forbidden`;
  return subcommand === 'branch' ? checkGitBranch(rest) : undefined;
}

// `git branch` lists with these flags; a bare name creates a branch and -d/-m/-c change them.
function checkGitBranch(args: string[]): string | undefined {
  let listing = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      names.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      names.push(arg);
      continue;
    }
    const name = arg.split('=')[0] as string;
    if (name.startsWith('--')) {
      if (!BRANCH_FLAGS.has(name)) return `"git branch" flag "${arg}" is not allowed`;
      if (name === '--list') listing = true;
      if (BRANCH_VALUE_FLAGS.has(name) && !arg.includes('=') && i + 1 < args.length) i++;
      continue;
    }
    for (const letter of arg.slice(1)) {
      if (!'arlvi'.includes(letter)) return `"git branch" flag "-${letter}" is not allowed`;
      if (letter === 'l') listing = true;
    }
  }
  if (names.length > 0 && !listing) return `"git branch ${names[0]}" creates a branch`;
  return undefined;
}

const PLAIN: CommandSpec = {};

/** Built-in allowlist. Pagers, editors and anything that can spawn a program are deliberately absent. */
export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ['ls', PLAIN], ['cat', PLAIN], ['head', PLAIN], ['tail', PLAIN], ['wc', PLAIN], ['grep', PLAIN],
  ['pwd', PLAIN], ['echo', PLAIN], ['cut', PLAIN], ['tr', PLAIN], ['diff', PLAIN], ['stat', PLAIN],
  ['du', PLAIN], ['df', PLAIN], ['which', PLAIN], ['whoami', PLAIN], ['basename', PLAIN],
  ['dirname', PLAIN], ['realpath', PLAIN],
  ['rg', { forbidden: ['--pre', '--hostname-bin'], clusters: true, valueFlags: ['-e', '-f', '-g', '-t', '-T', '-m', '-A', '-B', '-C', '-E', '-j', '-M', '-r', '-d'] }],
  ['find', { forbidden: ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls'], clusters: false }],
  ['printf', { forbidden: ['-v'], clusters: false }],
  ['sort', { forbidden: ['-o', '--output', '--compress-program'], clusters: true, valueFlags: ['-t', '-k', '-S', '-T'] }],
  ['uniq', { clusters: true, valueFlags: ['-f', '-s', '-w'], maxPositionals: 1 }],
  ['file', { forbidden: ['-C', '--compile'], clusters: true, valueFlags: ['-m', '-e', '-f', '-F', '-P'] }],
  ['tree', { forbidden: ['-o', '-R'], clusters: true, valueFlags: ['-L', '-P', '-I'] }],
  ['date', { forbidden: ['-s', '--set'], clusters: true, valueFlags: ['-d', '-f', '-r'] }],
  ['git', { check: checkGit, forbidden: GIT_FORBIDDEN }],
]);

/** Whether an unquoted glob in this command's arguments is harmless even if it expands to a flag. */
export function globSafe(spec: CommandSpec): boolean {
  return !spec.forbidden && !spec.check && spec.maxPositionals === undefined;
}

/**
 * The first argument that is a forbidden flag. Long flags are refused when they abbreviate a
 * forbidden one, because getopt_long and git accept unambiguous prefixes (`sort --out=x`).
 */
export function findForbidden(args: string[], spec: CommandSpec): string | undefined {
  const forbidden = spec.forbidden ?? [];
  if (forbidden.length === 0) return undefined;
  for (const arg of args) {
    if (arg === '--' && spec.clusters !== false) return undefined;
    if (!arg.startsWith('-') || arg === '-') continue;
    if (arg.startsWith('--')) {
      const name = arg.split('=')[0] as string;
      if (name.length > 2 && forbidden.some((flag) => flag.startsWith('--') && flag.startsWith(name))) return arg;
      continue;
    }
    if (!spec.clusters) {
      // A two-character flag also takes its value attached (`printf -vHOME`), so it is a prefix here.
      if (forbidden.includes(arg) || forbidden.some((flag) => flag.length === 2 && arg.startsWith(flag))) return arg;
      continue;
    }
    for (let i = 1; i < arg.length; i++) {
      const flag = `-${arg[i]}`;
      if (forbidden.includes(flag)) return arg;
      if (spec.valueFlags?.includes(flag)) break;
    }
  }
  return undefined;
}

/** Counts positional arguments, skipping the values of value flags. */
export function countPositionals(args: string[], spec: CommandSpec): number {
  let count = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return count + args.length - i - 1;
    if (!arg.startsWith('-') || arg === '-') {
      count++;
      continue;
    }
    if (arg.startsWith('--')) {
      // GNU long options with a separate value (uniq --skip-fields 2).
      if (!arg.includes('=') && /^--(skip-fields|skip-chars|check-chars)$/.test(arg)) i++;
      continue;
    }
    const last = `-${arg[arg.length - 1]}`;
    if (arg.length === 2 && spec.valueFlags?.includes(last)) i++;
  }
  return count;
}
