// Pulls the command or SQL texts out of a tool's arguments. A server reads one of the accepted
// names; every one present is checked, so a benign decoy in another name hides nothing.

/** Quotes a word for bash so it stays one literal argument. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command lines in a shell tool's arguments: string arguments as written; an argv array (`args`,
 * or `command` given as an array) as quoted words; `command` plus `args` as one line.
 * Returns a message when there is none.
 */
export function shellTexts(args: unknown, names: readonly string[]): string[] | string {
  const record = asRecord(args);
  const texts: string[] = [];
  const argv = record.args;
  if (argv !== undefined && !isStringArray(argv)) return 'argument "args" is not a list of strings';

  for (const name of names) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value === 'string') texts.push(isStringArray(argv) ? [value, ...argv.map(shellQuote)].join(' ') : value);
    else if (isStringArray(value)) texts.push([...value, ...(isStringArray(argv) ? argv : [])].map(shellQuote).join(' '));
    else return `argument "${name}" is not a string`;
  }
  if (texts.length === 0 && isStringArray(argv) && argv.length > 0) texts.push(argv.map(shellQuote).join(' '));
  if (texts.length === 0) return `no command argument found (looked for ${names.map((name) => `"${name}"`).join(', ')})`;
  return texts;
}

/**
 * Whether an argv element reads the same to a server that passes it as one argument and to one
 * that joins the list with spaces and hands it to a shell: no blank, quote, metacharacter, glob,
 * `~` or `$`, and not empty (an empty element vanishes when joined and shifts the others).
 */
export function isPlainWord(word: string): boolean {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word);
}

function excerptOf(word: string): string {
  return word.length > 40 ? `${word.slice(0, 39)}…` : word;
}

/**
 * The first element of `args` that a server joining the list with spaces would not pass as one
 * plain word, as a violation; undefined when every element is plain.
 */
export function smuggledArgv(args: unknown): string | undefined {
  const argv = asRecord(args).args;
  if (!isStringArray(argv)) return undefined;
  const smuggled = argv.find((word) => !isPlainWord(word));
  if (smuggled === undefined) return undefined;
  return `element ${JSON.stringify(excerptOf(smuggled))} of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax`;
}

/** Arguments that set the directory a shell server runs the command in; each is checked as a path. */
export const WORKING_DIRECTORY_ARGUMENTS = ['cwd', 'workdir', 'working_dir', 'working_directory', 'workingDirectory', 'dir', 'directory'];

/** Arguments a shell tool may carry besides the command and its directory that cannot change what the command does. */
const BENIGN_SHELL_ARGUMENTS = new Set(['args', 'timeout', 'timeout_ms', 'timeoutMs', 'description', 'reason', ...WORKING_DIRECTORY_ARGUMENTS]);

/** The working-directory arguments present, or a message when one is not a non-empty string. */
export function workingDirectories(args: unknown): Array<{ name: string; value: string }> | string {
  const record = asRecord(args);
  const out: Array<{ name: string; value: string }> = [];
  for (const name of WORKING_DIRECTORY_ARGUMENTS) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '' || value.includes('\0')) return `argument "${name}" is not a directory path`;
    out.push({ name, value });
  }
  return out;
}

/** A benign argument with a value of the wrong kind (a timeout that is not a number), or undefined. */
export function malformedShellArgument(args: unknown): string | undefined {
  const record = asRecord(args);
  for (const name of ['timeout', 'timeout_ms', 'timeoutMs']) {
    const value = record[name];
    if (value !== undefined && typeof value !== 'number' && !(typeof value === 'string' && /^\d+(\.\d+)?(ms|s|m)?$/.test(value))) return name;
  }
  for (const name of ['description', 'reason']) {
    if (record[name] !== undefined && typeof record[name] !== 'string') return name;
  }
  return undefined;
}

/**
 * The first argument the shell check does not understand. Anything else a shell server reads
 * (`env`, `shell`, `stdin`, …) could change what an allowlisted command does, so it is refused
 * rather than ignored; `inspect.arguments` names more arguments that hold the command.
 */
export function unknownShellArgument(args: unknown, names: readonly string[]): string | undefined {
  return Object.keys(asRecord(args)).find((key) => !names.includes(key) && !BENIGN_SHELL_ARGUMENTS.has(key));
}

/** The SQL texts in a database tool's arguments, or a message when there is none. */
export function sqlTexts(args: unknown, names: readonly string[]): string[] | string {
  const record = asRecord(args);
  const texts: string[] = [];
  for (const name of names) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return `argument "${name}" is not a string`;
    texts.push(value);
  }
  if (texts.length === 0) return `no SQL argument found (looked for ${names.map((name) => `"${name}"`).join(', ')})`;
  return texts;
}

/** Arguments of a database tool that hold bound parameter values, not SQL of their own. */
const PARAMETER_ARGUMENTS = new Set(['params', 'parameters', 'values', 'bindings', 'args']);

export interface OtherSqlArgument {
  name: string;
  value: string;
  /** A bound parameter value: harmless unless it is itself a statement. */
  parameter: boolean;
}

/**
 * The strings among a database tool's other arguments, each to be inspected in case the server
 * runs it; numbers, booleans and null are harmless. Returns a message for an argument that is a
 * list or object other than a list of parameter values.
 */
export function otherSqlArguments(args: unknown, names: readonly string[]): OtherSqlArgument[] | string {
  const out: OtherSqlArgument[] = [];
  for (const [name, value] of Object.entries(asRecord(args))) {
    if (names.includes(name) || isScalar(value)) continue;
    if (typeof value === 'string') out.push({ name, value, parameter: false });
    else if (PARAMETER_ARGUMENTS.has(name) && Array.isArray(value) && value.every((item) => isScalar(item) || typeof item === 'string')) {
      for (const item of value) if (typeof item === 'string') out.push({ name, value: item, parameter: true });
    } else {
      return `argument "${name}" is not understood by the database check (only numbers, booleans, plain names and SQL are)`;
    }
  }
  return out;
}

/**
 * Words that are a whole statement in some dialect the parser may not know (`VACUUM` for SQLite
 * under node-sql-parser), so they are never taken for a plain name.
 */
const STATEMENT_WORDS = new Set([
  'abort', 'alter', 'analyze', 'analyse', 'attach', 'begin', 'call', 'checkpoint', 'cluster', 'commit', 'copy', 'create',
  'deallocate', 'delete', 'detach', 'discard', 'do', 'drop', 'end', 'execute', 'explain', 'flush', 'grant', 'handler',
  'insert', 'kill', 'listen', 'load', 'lock', 'merge', 'notify', 'optimize', 'pragma', 'prepare', 'purge', 'refresh',
  'reindex', 'release', 'rename', 'repair', 'replace', 'reset', 'revoke', 'rollback', 'savepoint', 'select', 'set',
  'show', 'shutdown', 'start', 'table', 'truncate', 'unlisten', 'unlock', 'update', 'use', 'vacuum', 'values', 'with',
]);

/** A short plain name (`main`, `public`, `users`): a database, schema or table, not a statement. */
export function isPlainName(value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.$-]{0,63}$/.test(value) && !STATEMENT_WORDS.has(value.toLowerCase());
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === 'number' || typeof value === 'boolean';
}

function asRecord(args: unknown): Record<string, unknown> {
  return args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
