// Upstream servers: transport inferred from command or url, paths made absolute, and the policy's
// allow-list of servers applied. Relative `args` stay as written; they are the server's business.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ConfigIssue } from '../errors.js';
import type { InspectOverrides, ServerConfig } from './types.js';
import type { PolicyEntry, ServerEntry } from './schema.js';
import type { SourceMap } from './source-map.js';
import { parseDuration, parseSize } from './units.js';
import { vettingSettings } from './vetting-settings.js';

function vettingOf(entry: ServerEntry, at: string[], map: SourceMap): { vetting?: NonNullable<ServerConfig['vetting']> } {
  const vetting = vettingSettings(entry, at, map);
  return vetting ? { vetting } : {};
}

const DEFAULT_TIMEOUT_MS = 60_000;
const STDIO_ONLY = ['args', 'env', 'cwd', 'max_result_bytes'] as const;
const REMOTE_ONLY = ['headers'] as const;

export interface ServerContext {
  map: SourceMap;
  baseDir: string;
  policy: PolicyEntry | undefined;
  issues: ConfigIssue[];
}

/** Resolves one server; problems are pushed to `context.issues` and the server is still returned when possible. */
export function resolveServer(id: string, entry: ServerEntry, context: ServerContext): ServerConfig | undefined {
  const { map, issues } = context;
  const at = ['servers', id];
  if (entry.command === undefined && entry.url === undefined) {
    issues.push(map.issue(at, `Server "${id}" needs "command" (a local program) or "url" (a remote server)`, { key: true }));
    return undefined;
  }
  if (entry.command !== undefined && entry.url !== undefined) {
    issues.push(map.issue([...at, 'url'], `Server "${id}" has both "command" and "url"; keep one`));
    return undefined;
  }
  const stdio = entry.command !== undefined;
  const transport = entry.transport ?? (stdio ? 'stdio' : 'http');
  if (stdio !== (transport === 'stdio')) {
    const fix = stdio ? `"${transport}" needs a "url"` : 'a stdio server needs a "command"';
    issues.push(map.issue([...at, 'transport'], `Server "${id}" has transport "${transport}" but ${fix}; fix the transport or remove it`));
  }
  for (const key of stdio ? REMOTE_ONLY : STDIO_ONLY) {
    if (entry[key] !== undefined) {
      const applies = stdio ? 'remote servers (with "url")' : 'stdio servers (with "command")';
      issues.push(map.issue([...at, key], `"${key}" only applies to ${applies}; remove it from server "${id}"`, { key: true }));
    }
  }
  checkKindOnly(id, entry, 'dialect', 'database', context);
  checkKindOnly(id, entry, 'roots', 'filesystem', context);
  checkPolicy(id, entry, context);

  const kind = entry.kind ?? 'generic';
  const base = {
    id,
    kind,
    readonly: (entry.readonly ?? []).map((pattern, index) => ({ pattern, source: map.source([...at, 'readonly', index]) })),
    trusted: entry.trusted ?? false,
    timeoutMs: entry.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(entry.timeout),
    startup: entry.startup ?? 'eager',
    // Only when set, so a resolved server reads as it did before the key existed.
    ...(entry.required ? { required: true } : {}),
    inspect: inspectOverrides(entry.inspect, (index) => map.source([...at, 'inspect', 'sensitive_paths', index])),
    dialect: entry.dialect ?? 'postgres',
    roots: [] as string[],
    ...vettingOf(entry, at, map),
    source: map.source(at, { key: true }),
  } as const;

  if (!stdio) {
    return { ...base, transport: transport === 'sse' ? 'sse' : 'http', url: entry.url!, headers: entry.headers ?? {} };
  }
  const cwd = path.resolve(context.baseDir, entry.cwd ?? '.');
  const args = entry.args ?? [];
  const roots = kind === 'filesystem' ? filesystemRoots(entry.roots, args, cwd) : [];
  return {
    ...base,
    roots,
    ...(entry.roots ? { explicitRoots: true } : {}),
    transport: 'stdio',
    command: entry.command!,
    args,
    env: Object.fromEntries(Object.entries(entry.env ?? {}).map(([name, value]) => [name, String(value)])),
    cwd,
    // Unset means the transport's default (16 MiB, DEFAULT_MAX_RESULT_BYTES).
    ...(entry.max_result_bytes !== undefined && { maxResultBytes: parseSize(entry.max_result_bytes) }),
  };
}

/**
 * The server as it is started in `cwd` (a profile's working_dir): a filesystem server's roots come
 * from its arguments, resolved where it runs, so the check and the server agree on every path.
 */
export function serverStartedIn(server: ServerConfig, cwd: string | undefined): ServerConfig {
  if (server.transport !== 'stdio' || cwd === undefined || cwd === server.cwd) return server;
  const roots = server.kind === 'filesystem' && !server.explicitRoots ? filesystemRoots(undefined, server.args, cwd) : server.roots;
  return { ...server, cwd, roots };
}

/** Explicit roots, else every argument that names an existing directory (how filesystem servers take them). */
function filesystemRoots(roots: string[] | undefined, args: string[], cwd: string): string[] {
  if (roots) return roots.map((root) => path.resolve(cwd, root));
  return args.filter((arg) => !arg.startsWith('-') && isDirectory(path.resolve(cwd, arg))).map((arg) => path.resolve(cwd, arg));
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function checkKindOnly(id: string, entry: ServerEntry, key: 'dialect' | 'roots', kind: string, context: ServerContext): void {
  if (entry[key] !== undefined && entry.kind !== kind) {
    context.issues.push(context.map.issue(['servers', id, key], `"${key}" only applies to kind ${kind}; set kind: ${kind} on server "${id}" or remove it`, { key: true }));
  }
}

function checkPolicy(id: string, entry: ServerEntry, { map, policy, issues }: ServerContext): void {
  const allowed = policy?.servers?.allow;
  if (allowed && !allowed.includes(id)) {
    issues.push(
      map.issue(['servers', id], `Server "${id}" is not in policy.servers.allow (${map.source(['policy', 'servers', 'allow'])}); add it there or remove the server`, { key: true }),
    );
  }
  if (policy?.servers?.local === false && entry.command !== undefined) {
    issues.push(
      map.issue(['servers', id, 'command'], `Server "${id}" runs a local program, which policy.servers.local: false (${map.source(['policy', 'servers', 'local'])}) forbids; use a remote "url"`),
    );
  }
}

function inspectOverrides(inspect: ServerEntry['inspect'], sourceOf: (index: number) => string): InspectOverrides {
  if (!inspect) return {};
  const overrides: InspectOverrides = {};
  if (inspect.read_tools) overrides.readTools = inspect.read_tools;
  if (inspect.write_tools) overrides.writeTools = inspect.write_tools;
  if (inspect.arguments) overrides.arguments = inspect.arguments;
  if (inspect.allow_commands) overrides.allowCommands = inspect.allow_commands;
  if (inspect.sensitive_paths) {
    overrides.sensitivePaths = inspect.sensitive_paths;
    overrides.sensitivePathSources = Object.fromEntries(inspect.sensitive_paths.map((glob, index) => [glob, sourceOf(index)]));
  }
  if (inspect.unsafe_functions) overrides.unsafeFunctions = inspect.unsafe_functions;
  return overrides;
}

/**
 * Adds the top-level `sensitive_paths` to a server's own, so that everything that checks a path of
 * this server (tools, `file://` resources) sees every configured glob in `inspect.sensitivePaths`.
 */
export function withGlobalSensitivePaths(server: ServerConfig, globs: readonly string[], sourceOf: (index: number) => string): ServerConfig {
  if (globs.length === 0) return server;
  const own = server.inspect.sensitivePaths ?? [];
  const sources = { ...(server.inspect.sensitivePathSources ?? {}) };
  globs.forEach((glob, index) => (sources[glob] ??= sourceOf(index)));
  return { ...server, inspect: { ...server.inspect, sensitivePaths: [...new Set([...own, ...globs])], sensitivePathSources: sources } };
}
