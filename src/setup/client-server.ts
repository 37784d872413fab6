// What init learns about one MCP server from one client's config, in a shape common to every client.
import { z } from 'zod';
import { WardenError } from '../errors.js';

export const CLIENTS = ['claude-code', 'opencode', 'claude-desktop', 'cursor', 'vscode'] as const;
export type ClientName = (typeof CLIENTS)[number];

/** Where a client's file lives and whether a person's home or the project holds it. */
export interface ClientFile {
  client: ClientName;
  file: string;
  scope: 'project' | 'user' | 'local';
}

/** One server entry as a client configured it; env and header values may still hold secrets. */
export interface ClientServer extends ClientFile {
  /** The keys from the file's root to the object holding the entry, e.g. `["projects", "/p", "mcpServers"]`. */
  container: string[];
  name: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  transport?: 'http' | 'sse';
}

/** Where a person's files are: HOME from the CLI's environment, so tests and real runs agree. */
export interface Places {
  home: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

const strings = z.record(z.string(), z.string());

/** The `mcpServers` entry shape shared by Claude Code, Claude Desktop and Cursor; unknown keys are kept. */
export const mcpServersEntry = z.looseObject({
  type: z.string().optional(),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  env: strings.optional(),
  cwd: z.string().optional(),
  url: z.string().optional(),
  headers: strings.optional(),
  disabled: z.boolean().optional(),
});

/** Validates `value` leniently; a mismatch names the file and the entry so the person can fix it. */
export function parseEntry<T extends z.ZodType>(schema: T, value: unknown, file: string, path: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = [path, ...issue.path.map(String)].join('.');
  throw new WardenError('CONFIG_INVALID', `${file}: ${where}: ${issue.message}; fix the entry and run again`);
}

/** The object at `path` inside `root`, if every step is an object. */
export function objectAt(root: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let node = root;
  for (const key of path) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one `mcpServers`-style entry into a ClientServer. */
export function fromMcpServersEntry(at: ClientFile, container: string[], name: string, value: unknown): ClientServer {
  const entry = parseEntry(mcpServersEntry, value, at.file, [...container, name].join('.'));
  const remote = entry.url !== undefined;
  return {
    ...at,
    container,
    name,
    ...(entry.command !== undefined && { command: entry.command }),
    ...(entry.args && { args: entry.args }),
    ...(entry.env && { env: entry.env }),
    ...(entry.cwd !== undefined && { cwd: entry.cwd }),
    ...(remote && { url: entry.url, transport: entry.type === 'sse' ? ('sse' as const) : ('http' as const) }),
    ...(entry.headers && { headers: entry.headers }),
  };
}

/** Every entry under `container` of a parsed file. */
export function entriesAt(at: ClientFile, root: unknown, container: string[]): ClientServer[] {
  const servers = objectAt(root, container);
  if (!servers) return [];
  // A server the person switched off stays off: the gateway would otherwise start it.
  return Object.entries(servers)
    .filter(([, value]) => !(isObject(value) && value.disabled === true))
    .map(([name, value]) => fromMcpServersEntry(at, container, name, value));
}
