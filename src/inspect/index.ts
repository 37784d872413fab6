// Argument inspection (docs/inspection.md; layer 3 of the README's "How a call is decided"): reads a
// call's arguments for servers with a kind and reports facts (understood, writes, violation, pattern
// matches) for the policy engine to judge.
import type { ServerConfig } from '../config/types.js';
import type { Inspection } from '../policy/types.js';
import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { Refusal } from '../policy/types.js';
import { isPlainName, malformedShellArgument, otherSqlArguments, shellTexts, smuggledArgv, sqlTexts, unknownShellArgument, workingDirectories } from './arguments.js';
import { isWithin, realRoots } from './file-paths.js';
import { absolutePath, readRefusal, sensitivePath } from './sensitive-reads.js';
import { shellReads } from './shell-reads.js';
import { inspectFileCall } from './file-check.js';
import { initParsers } from './parsers.js';
import { inspectShell } from './shell-inspect.js';
import { inspectSql } from './sql-inspect.js';
import { isDeclaredRead, SHELL_ARGUMENTS, SQL_ARGUMENTS } from './tool-defaults.js';

export { initParsers } from './parsers.js';
export { inspectShell, type ShellOptions } from './shell-inspect.js';
export { inspectSql, type SqlDialect, type SqlOptions } from './sql-inspect.js';
export { inspectFileCall, type FileCheckOptions } from './file-check.js';
export { SENSITIVE_PATHS, SENSITIVE_READ_PATHS, sensitiveReadMatcher } from './file-sensitive.js';
export { COMMANDS as READ_ONLY_COMMANDS } from './shell-allowlist.js';
export { FILESYSTEM_READ_TOOLS, FILESYSTEM_WRITE_TOOLS, SHELL_ARGUMENTS, SQL_ARGUMENTS } from './tool-defaults.js';

export interface InspectOptions {
  /** The profile's dangerous patterns as written; command-like and SQL ones are matched on the parsed form. */
  dangerousPatterns: string[];
}

export interface Inspector {
  /** Facts about a call's arguments; undefined for servers of kind generic. Never throws or rejects. */
  inspect(server: ServerConfig, tool: string, args: unknown, options: InspectOptions): Promise<Inspection | undefined>;
}

/** Creates an inspector; the WASM parsers load on first use and are shared by every inspector. */
export function createInspector(): Inspector {
  return {
    async inspect(server, tool, args, options) {
      if (server.kind === 'generic') return undefined;
      const check = server.kind;
      try {
        return await inspectCall(server, tool, args, options);
      } catch (error) {
        return { check, understood: false, writes: true, violation: `inspection failed: ${error instanceof Error ? error.message : String(error)}`, patternTexts: [] };
      }
    },
  };
}

async function inspectCall(server: ServerConfig, tool: string, args: unknown, options: InspectOptions): Promise<Inspection | undefined> {
  const overrides = server.inspect ?? {};
  const dangerousPatterns = options.dangerousPatterns ?? [];
  switch (server.kind) {
    case 'filesystem':
      return inspectFileCall(tool, args, { roots: server.roots ?? [], inspect: overrides, readonly: server.readonly });
    case 'shell':
      return inspectShellCall(server, tool, args, dangerousPatterns);
    case 'database':
      return inspectDatabaseCall(server, tool, args, dangerousPatterns);
    default:
      return undefined;
  }
}

async function inspectShellCall(server: ServerConfig, tool: string, args: unknown, dangerousPatterns: string[]): Promise<Inspection> {
  const overrides = server.inspect ?? {};
  const names = overrides.arguments?.length ? overrides.arguments : SHELL_ARGUMENTS;
  const texts = shellTexts(args, names);
  const declaredRead = isDeclaredRead(tool, overrides);
  // A tool the operator declared a read still may not read a secret (refused in every mode).
  if (declaredRead && typeof texts === 'string') return { check: 'shell', understood: true, writes: false, patternTexts: [] };
  if (typeof texts === 'string') return notUnderstood('shell', `tool "${tool}": ${texts}`);
  await initParsers();
  const directory = await shellDirectory(server, args);
  // Sensitive reads are refused in every mode, so they are looked for even when the restricted
  // check already fails for another reason (which unrestricted mode ignores).
  const scope = { cwd: directory.cwd, extra: overrides.sensitivePaths ?? [], sources: overrides.sensitivePathSources ?? {} };
  let refusal = directory.refusal;
  let recursive: string | undefined;
  for (const text of texts) {
    if (refusal) break;
    const reads = await shellReads(text, scope);
    refusal = reads.refusal;
    recursive ??= reads.violation;
  }
  const withRefusal = (inspection: Inspection): Inspection => (refusal ? { ...inspection, refusal } : inspection);
  if (declaredRead) return withRefusal({ check: 'shell', understood: true, writes: false, patternTexts: [] });
  const unknown = unknownShellArgument(args, names) ?? malformedShellArgument(args);
  if (unknown !== undefined) return withRefusal(notUnderstood('shell', `tool "${tool}": argument "${unknown}" is not understood by the restricted-shell check`));
  if (directory.violation) return withRefusal({ check: 'shell', understood: true, writes: true, violation: `tool "${tool}": ${directory.violation}`, patternTexts: [] });
  let inspection = merge('shell', texts.map((text) => inspectShell(text, { allowCommands: overrides.allowCommands, dangerousPatterns })));
  // Reported after the command's own violations, which say more about what it would do.
  const smuggled = smuggledArgv(args);
  if (smuggled !== undefined && inspection.violation === undefined) inspection = { ...inspection, writes: true, violation: `tool "${tool}": ${smuggled}` };
  if (recursive !== undefined && inspection.violation === undefined) inspection = { ...inspection, violation: recursive };
  return withRefusal(inspection);
}

interface ShellDirectory {
  /** Where relative paths of the command resolve. */
  cwd: string;
  /** Why restricted mode refuses the directory argument. */
  violation?: string;
  /** A sensitive directory, refused in every mode. */
  refusal?: Refusal;
}

/**
 * The directory the server runs the command in: its own working directory, or the one a `cwd`-like
 * argument names, which must lie inside it (as `git -C` must) and not be sensitive.
 */
async function shellDirectory(server: ServerConfig, args: unknown): Promise<ShellDirectory> {
  const base = server.transport === 'stdio' ? server.cwd : undefined;
  const fallback = base ?? homedir();
  const given = workingDirectories(args);
  if (typeof given === 'string') return { cwd: fallback, violation: given };
  if (given.length === 0) return { cwd: fallback };
  const scope = { cwd: fallback, extra: server.inspect.sensitivePaths ?? [], sources: server.inspect.sensitivePathSources ?? {} };
  const roots = base === undefined ? [] : await realRoots([base]);
  let cwd = fallback;
  let violation: string | undefined;
  for (const { name, value } of given) {
    const absolute = absolutePath(value, fallback);
    cwd = absolute;
    const hit = await sensitivePath(absolute, scope);
    if (hit) return { cwd, refusal: readRefusal(hit, scope, `argument "${name}"`) };
    if (base === undefined) {
      violation ??= `argument "${name}" is refused: the working directory of a remote shell server is unknown, so a directory cannot be checked`;
      continue;
    }
    // A path that does not resolve is checked as written; both spellings must stay inside.
    const real = await realpath(absolute).catch(() => absolute);
    if (![absolute, real].every((candidate) => roots.some((root) => isWithin(candidate, root)) || isWithin(candidate, base))) {
      violation ??= `argument "${name}" names "${absolute}", outside the server's working directory "${base}"`;
    }
  }
  return { cwd, ...(violation ? { violation } : {}) };
}

async function inspectDatabaseCall(server: ServerConfig, tool: string, args: unknown, dangerousPatterns: string[]): Promise<Inspection> {
  const overrides = server.inspect ?? {};
  if (isDeclaredRead(tool, overrides)) return { check: 'database', understood: true, writes: false, patternTexts: [] };
  const names = overrides.arguments?.length ? overrides.arguments : SQL_ARGUMENTS;
  const texts = sqlTexts(args, names);
  if (typeof texts === 'string') return notUnderstood('database', `tool "${tool}": ${texts}`);
  const others = otherSqlArguments(args, names);
  if (typeof others === 'string') return notUnderstood('database', `tool "${tool}": ${others}`);
  if (server.dialect === 'postgres') await initParsers();
  const options = { unsafeFunctions: overrides.unsafeFunctions, dangerousPatterns };
  const parts = texts.map((text) => inspectSql(text, server.dialect, options));
  // A server may run an argument the check does not know (`statement`, `sql2`): whatever parses as
  // SQL is judged as SQL; what does not must be a plain name or a parameter value.
  for (const other of others) {
    const part = inspectSql(other.value, server.dialect, options);
    if (part.understood) parts.push(part);
    else if (!other.parameter && !isPlainName(other.value)) {
      return notUnderstood('database', `tool "${tool}": argument "${other.name}" is neither SQL nor a plain name, so the database check cannot tell what the server does with it`);
    }
  }
  return merge('database', parts);
}

/** Combines the inspections of several texts in one call: all must be understood and fit. */
function merge(check: Inspection['check'], parts: Inspection[]): Inspection {
  if (parts.length === 1) return parts[0] as Inspection;
  const violation = parts.find((part) => part.violation !== undefined)?.violation;
  const matched = [...new Set(parts.flatMap((part) => part.matchedPatterns ?? []))];
  const refusal = parts.find((part) => part.refusal !== undefined)?.refusal;
  return {
    check,
    ...(refusal ? { refusal } : {}),
    understood: parts.every((part) => part.understood),
    writes: parts.some((part) => part.writes),
    ...(violation !== undefined ? { violation } : {}),
    patternTexts: [...new Set(parts.flatMap((part) => part.patternTexts))],
    ...(matched.length > 0 ? { matchedPatterns: matched } : {}),
  };
}

function notUnderstood(check: Inspection['check'], violation: string): Inspection {
  return { check, understood: false, writes: true, violation, patternTexts: [] };
}
