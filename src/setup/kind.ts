// Guesses `kind` for well-known servers from their command line, so argument inspection is on from
// the first run. A guess only ever makes the gateway stricter: a tool whose arguments inspection
// cannot read is denied, never let through.
import type { ServerKind } from './gateway-yaml.js';

const GUESSES: ReadonlyArray<[RegExp, ServerKind]> = [
  [/server-filesystem|mcp-filesystem|filesystem-server/i, 'filesystem'],
  [/postgres|sqlite|mysql|mariadb|mssql|sql-server|server-sql/i, 'database'],
  [/desktop-commander|server-shell|shell-server|mcp-shell|terminal|server-bash|bash-mcp|shell-mcp/i, 'shell'],
];

/** The kind a well-known server has, or undefined for a generic one. */
export function guessKind(commandLine: string): ServerKind | undefined {
  return GUESSES.find(([pattern]) => pattern.test(commandLine))?.[1];
}

/** Tools of the reference filesystem server that change nothing (its own documentation says so). */
export const FILESYSTEM_READONLY = ['read_*', 'list_*', 'search_*', 'get_*', 'directory_tree'];
