// Argument inspection (DESIGN.md §4 layer 3): reads a call's arguments for servers with a kind and
// reports facts (understood, writes, violation, pattern matches) for the policy engine to judge.
import type { ServerConfig } from '../config/types.js';
import type { Inspection } from '../policy/types.js';
import { shellTexts, sqlTexts, unknownShellArgument } from './arguments.js';
import { inspectFileCall } from './file-check.js';
import { initParsers } from './parsers.js';
import { inspectShell } from './shell-inspect.js';
import { inspectSql } from './sql-inspect.js';
import { isDeclaredRead, SHELL_ARGUMENTS, SQL_ARGUMENTS } from './tool-defaults.js';

export { initParsers } from './parsers.js';
export { inspectShell, type ShellOptions } from './shell-inspect.js';
export { inspectSql, type SqlDialect, type SqlOptions } from './sql-inspect.js';
export { inspectFileCall, type FileCheckOptions } from './file-check.js';
export { SENSITIVE_PATHS } from './file-sensitive.js';
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
    case 'shell': {
      if (isDeclaredRead(tool, overrides)) return { check: 'shell', understood: true, writes: false, patternTexts: [] };
      const names = overrides.arguments?.length ? overrides.arguments : SHELL_ARGUMENTS;
      const texts = shellTexts(args, names);
      if (typeof texts === 'string') return notUnderstood('shell', `tool "${tool}": ${texts}`);
      const unknown = unknownShellArgument(args, names);
      if (unknown !== undefined) return notUnderstood('shell', `tool "${tool}": argument "${unknown}" is not understood by the restricted-shell check`);
      await initParsers();
      return merge('shell', texts.map((text) => inspectShell(text, { allowCommands: overrides.allowCommands, dangerousPatterns })));
    }
    case 'database': {
      if (isDeclaredRead(tool, overrides)) return { check: 'database', understood: true, writes: false, patternTexts: [] };
      const texts = sqlTexts(args, overrides.arguments?.length ? overrides.arguments : SQL_ARGUMENTS);
      if (typeof texts === 'string') return notUnderstood('database', `tool "${tool}": ${texts}`);
      if (server.dialect === 'postgres') await initParsers();
      return merge('database', texts.map((text) => inspectSql(text, server.dialect, { unsafeFunctions: overrides.unsafeFunctions, dangerousPatterns })));
    }
    default:
      return undefined;
  }
}

/** Combines the inspections of several texts in one call: all must be understood and fit. */
function merge(check: Inspection['check'], parts: Inspection[]): Inspection {
  if (parts.length === 1) return parts[0] as Inspection;
  const violation = parts.find((part) => part.violation !== undefined)?.violation;
  const matched = [...new Set(parts.flatMap((part) => part.matchedPatterns ?? []))];
  return {
    check,
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
