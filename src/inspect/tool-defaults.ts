// Which tools of a kind server read or write, and which argument holds the command, path or SQL:
// defaults for the common servers, overridden per server by `inspect:` in gateway.yaml.
import picomatch from 'picomatch';
import type { InspectOverrides } from '../config/types.js';
import type { Rule } from '../policy/types.js';

/** Read tools of @modelcontextprotocol/server-filesystem. */
export const FILESYSTEM_READ_TOOLS = [
  'read_file', 'read_text_file', 'read_media_file', 'read_multiple_files', 'list_directory',
  'list_directory_with_sizes', 'directory_tree', 'search_files', 'get_file_info', 'list_allowed_directories',
];

/** Write tools of @modelcontextprotocol/server-filesystem and the arguments holding their paths. */
export const FILESYSTEM_WRITE_TOOLS: Readonly<Record<string, readonly string[]>> = {
  write_file: ['path'],
  edit_file: ['path'],
  create_directory: ['path'],
  move_file: ['source', 'destination'],
};

export const SHELL_ARGUMENTS = ['command', 'cmd', 'script'];
export const SQL_ARGUMENTS = ['sql', 'query'];

export type ToolClass = 'read' | 'write' | 'unknown';

/**
 * Classifies a filesystem tool. Explicit `writeTools` win over explicit `readTools`, which win
 * over the defaults; the operator's `readonly:` globs count as reads after the default writes.
 */
export function classifyFileTool(tool: string, overrides: InspectOverrides, readonly: readonly Rule[] = []): ToolClass {
  if (matchesAny(tool, overrides.writeTools)) return 'write';
  if (matchesAny(tool, overrides.readTools)) return 'read';
  if (Object.hasOwn(FILESYSTEM_WRITE_TOOLS, tool)) return 'write';
  if (matchesAny(tool, readonly.map((rule) => rule.pattern))) return 'read';
  if (FILESYSTEM_READ_TOOLS.includes(tool)) return 'read';
  return 'unknown';
}

/** Classifies a shell or database tool: only configured read tools skip the argument check. */
export function isDeclaredRead(tool: string, overrides: InspectOverrides): boolean {
  return !matchesAny(tool, overrides.writeTools) && matchesAny(tool, overrides.readTools);
}

/**
 * The argument names that hold a write tool's paths: `required` ones (the defaults for known tools)
 * must be present; configured `optional` ones are checked when present.
 */
export function pathArguments(tool: string, overrides: InspectOverrides): { required: readonly string[]; optional: readonly string[] } {
  const required = Object.hasOwn(FILESYSTEM_WRITE_TOOLS, tool) ? (FILESYSTEM_WRITE_TOOLS[tool] as readonly string[]) : [];
  const optional = (overrides.arguments ?? []).filter((name) => !required.includes(name));
  return { required, optional };
}

function matchesAny(tool: string, globs: readonly string[] | undefined): boolean {
  return (globs ?? []).some((glob) => picomatch.isMatch(tool, glob));
}
