// Canonical forms of shell commands for dangerous-pattern matching: wrappers are peeled off, the
// program is named by its basename, and flags become a set of single letters where a long flag has
// a well-known short twin, so `sudo /bin/rm --force --recursive x` and "rm -rf" compare equal.

export interface CanonicalCommand {
  name: string;
  flags: Set<string>;
  positionals: string[];
  /** The command's words, decoded, with the program's basename first. */
  text: string;
  /**
   * Some argument is computed when the command runs (`$(…)`, `$VAR`): its flags cannot be known, so
   * the command matches any pattern for the same program.
   */
  dynamic?: boolean;
}

const LONG_TO_SHORT: Record<string, Record<string, string>> = {
  rm: { recursive: 'r', force: 'f', dir: 'd', interactive: 'i', verbose: 'v' },
  cp: { recursive: 'r', force: 'f', archive: 'a' },
  mv: { force: 'f' },
  chmod: { recursive: 'R', verbose: 'v', changes: 'c', silent: 'f', quiet: 'f' },
  chown: { recursive: 'R', verbose: 'v', changes: 'c', silent: 'f', quiet: 'f' },
  chgrp: { recursive: 'R', verbose: 'v', changes: 'c', silent: 'f', quiet: 'f' },
  git: { force: 'f', 'force-with-lease': 'f', 'force-if-includes': 'f', delete: 'd', 'dry-run': 'n', verbose: 'v', quiet: 'q' },
};

/** Short flags that are spelled two ways (rm -R is rm -r). */
const SHORT_ALIASES: Record<string, Record<string, string>> = {
  rm: { R: 'r' },
  cp: { R: 'r' },
};

/** Commands whose flags are single-dash words (find -delete), never letter clusters. */
const WORD_FLAGS = new Set(['find']);

// Options of wrapper programs that take the next word as their value.
const WRAPPER_VALUES: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-C', '-h', '-p', '-r', '-t', '-U', '-D', '-T', '--user', '--group', '--chdir', '--prompt']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '--unset', '--chdir']),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '-p']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  xargs: new Set(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--max-chars', '--replace']),
  exec: new Set(['-a']),
  stdbuf: new Set(['-i', '-o', '-e']),
  command: new Set(),
  builtin: new Set(),
  nohup: new Set(),
  time: new Set(['-f', '-o']),
  watch: new Set(['-n', '-d']),
  unbuffer: new Set(),
  chroot: new Set(),
};

/** The program a wrapper runs: its arguments after its own options (and, for timeout, the duration). */
export function unwrap(words: string[]): string[] | undefined {
  const name = basename(words[0] ?? '');
  const values = WRAPPER_VALUES[name];
  if (!values) return undefined;
  let i = 1;
  while (i < words.length) {
    const word = words[i] as string;
    if (word === '--') {
      i++;
      break;
    }
    if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      i++;
      continue;
    }
    if (!word.startsWith('-') || word === '-') break;
    i += values.has(word) ? 2 : 1;
  }
  if (name === 'timeout' || name === 'chroot') i++;
  const inner = words.slice(i);
  return inner.length > 0 ? inner : undefined;
}

/** The words of the commands a command runs on behalf of its caller: `find -exec`, wrappers. */
export function innerCommands(words: string[]): string[][] {
  const inner: string[][] = [];
  const unwrapped = unwrap(words);
  if (unwrapped) inner.push(unwrapped);
  if (basename(words[0] ?? '') === 'find') {
    for (let i = 1; i < words.length; i++) {
      if (!/^-(exec|execdir|ok|okdir)$/.test(words[i] as string)) continue;
      const end = words.findIndex((word, j) => j > i && (word === ';' || word === '+'));
      inner.push(words.slice(i + 1, end === -1 ? undefined : end));
    }
  }
  return inner.filter((command) => command.length > 0);
}

/** Shell programs whose `-c` argument is itself a script to look into. */
export function scriptArgument(words: string[]): string | undefined {
  const name = basename(words[0] ?? '');
  if (name === 'eval') return words.slice(1).join(' ');
  if (!/^(sh|bash|dash|zsh|ksh|ash|busybox)$/.test(name)) return undefined;
  const flag = words.findIndex((word, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(word));
  if (flag === -1) return undefined;
  // `bash -c -- 'script'`: the script is the first word after the end of options.
  return words[flag + 1] === '--' ? words[flag + 2] : words[flag + 1];
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return slash === -1 ? trimmed : trimmed.slice(slash + 1);
}

/** Builds the canonical form of one command's decoded words. */
export function canonicalise(words: string[]): CanonicalCommand {
  const name = basename(words[0] ?? '');
  const args = name === 'git' ? skipGitGlobals(words.slice(1)) : words.slice(1);
  const flags = new Set<string>();
  const positionals: string[] = [];
  const longMap = LONG_TO_SHORT[name] ?? {};
  const aliases = SHORT_ALIASES[name] ?? {};
  let onlyPositionals = false;
  for (const arg of args) {
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      // `git push origin +main` force-pushes just like --force.
      if (name === 'git' && positionals[0] === 'push' && arg.startsWith('+')) flags.add('f');
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg.startsWith('--') || WORD_FLAGS.has(name)) {
      const long = (arg.split('=')[0] as string).replace(/^-+/, '');
      flags.add(longMap[long] ?? abbreviated(longMap, long) ?? (arg.startsWith('--') ? `--${long}` : `-${long}`));
      continue;
    }
    for (const letter of arg.slice(1)) flags.add(aliases[letter] ?? letter);
  }
  return { name, flags, positionals, text: [name, ...words.slice(1)].join(' ') };
}

/** getopt_long accepts any unambiguous prefix of a long option (`--recur` for `--recursive`). */
function abbreviated(longMap: Record<string, string>, prefix: string): string | undefined {
  if (prefix.length === 0) return undefined;
  const shorts = new Set(Object.entries(longMap).filter(([long]) => long.startsWith(prefix)).map(([, short]) => short));
  return shorts.size === 1 ? [...shorts][0] : undefined;
}

// git's own options before the subcommand (-C dir, -c key=value) are not part of what it does.
function skipGitGlobals(args: string[]): string[] {
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith('-')) {
    i += /^(-C|-c|--git-dir|--work-tree|--namespace|--config-env|--exec-path)$/.test(args[i] as string) ? 2 : 1;
  }
  return args.slice(i);
}

/** Whether a command does at least what a pattern names: same program, a superset of its flags, its leading operands. */
export function matches(command: CanonicalCommand, pattern: CanonicalCommand): boolean {
  if (command.name !== pattern.name) return false;
  if (command.dynamic) return true;
  for (const flag of pattern.flags) if (!command.flags.has(flag)) return false;
  return pattern.positionals.every((word, i) => command.positionals[i] === word);
}
