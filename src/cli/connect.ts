// `mcp-warden connect` and `disconnect`: make the gateway a client's only route to the servers init
// imported, and undo that from the backups. The per-client edits live in src/setup/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { WardenError } from '../errors.js';
import { planClaudeCode, type Scope } from '../setup/claude-code-connect.js';
import { projectFile as claudeProjectFile, userFile as claudeUserFile } from '../setup/claude-code.js';
import type { ClientServer, Places } from '../setup/client-server.js';
import type { ConnectPlan } from '../setup/connect-plan.js';
import { backupFile, backupStamp, restoreFile } from '../setup/backup.js';
import { readGatewayFacts, tokenVariable } from '../setup/gateway-config.js';
import { type GatewayRoute, httpRoute, stdioRoute } from '../setup/gateway-route.js';
import { identity, isGatewayEntry, normalise } from '../setup/import-servers.js';
import { render } from '../setup/json-file.js';
import { planOpencode } from '../setup/opencode-connect.js';
import { projectFile as opencodeProjectFile, userFile as opencodeUserFile } from '../setup/opencode.js';
import { placesOf } from './init.js';
import type { Io } from './io.js';

const CONNECTABLE = ['claude-code', 'opencode'] as const;
type Connectable = (typeof CONNECTABLE)[number];

export interface ConnectOptions {
  client: Connectable;
  scope: Scope;
  http?: string;
  config: string;
}

function clientOf(value: string | undefined, command: string): Connectable {
  if (value === undefined || !(CONNECTABLE as readonly string[]).includes(value)) {
    throw new WardenError('BAD_INPUT', `${value === undefined ? 'Missing client' : `Unknown client "${value}"`}; usage: mcp-warden ${command} ${CONNECTABLE.join('|')}`);
  }
  return value as Connectable;
}

function scopeOf(value: string | undefined): Scope {
  if (value === undefined) return 'project';
  if (value !== 'project' && value !== 'user') throw new WardenError('BAD_INPUT', `Unknown scope "${value}" for --scope; use project or user`);
  return value;
}

/** connect's flags as commander parsed them (src/cli/program.ts). */
export interface ConnectFlags {
  scope?: string;
  http?: string;
  stdio?: boolean;
  config?: string;
}

/** Checks connect's flags and client, and fills in the defaults. */
export function connectOptions(values: ConnectFlags, positionals: string[], io: Io): ConnectOptions {
  if (values.http !== undefined && values.stdio) throw new WardenError('BAD_INPUT', 'Pass either --http URL or --stdio, not both');
  return {
    client: clientOf(positionals[0], 'connect'),
    scope: scopeOf(values.scope),
    ...(values.http !== undefined && { http: values.http }),
    config: resolve(io.cwd, values.config ?? io.env.MCP_WARDEN_CONFIG ?? 'gateway.yaml'),
  };
}

export async function runConnect(values: ConnectFlags, io: Io, operands: string[]): Promise<number> {
  return connect(connectOptions(values, operands, io), io);
}

/** Rewrites the client's config; writes nothing unless every file it reads parses. */
export async function connect(options: ConnectOptions, io: Io): Promise<number> {
  const facts = readGatewayFacts(options.config);
  const agent = options.client;
  if (!Object.hasOwn(facts.agents, agent)) {
    throw new WardenError('BAD_INPUT', `${options.config} has no agent "${agent}"; run "mcp-warden init --from ${agent}" or add the agent, then connect again`);
  }
  const places = placesOf(io);
  const notes: string[] = [];
  const route = options.http === undefined ? stdioRoute(options.config, agent, io.env.PATH) : httpRoute(options.http, httpToken(options.config, agent, facts.agents[agent]!.token, notes));
  const imported = (entry: ClientServer) => !isGatewayEntry(entry) && facts.identities.has(identity(normalise(entry, places.cwd)));
  const plan = (options.client === 'claude-code' ? planClaudeCode : planOpencode)(places, options.scope, route, imported);
  const written = write(plan);
  const lines: string[] = [];
  if (written.length === 0) {
    lines.push(`${options.client} already routes through the gateway (entry "${route.name}"); nothing changed`);
  } else {
    lines.push(`Connected ${options.client} to the gateway as "${route.name}" (${describeRoute(route)}):`);
    for (const entry of plan.removed) lines.push(`  removed ${entry.client} "${entry.name}" from ${entry.file} (${entry.scope} scope): now served by the gateway`);
    for (const added of plan.added) lines.push(`  added ${added}`);
    for (const { file, backup } of written) lines.push(`  backup of ${file}: ${backup}`);
    for (const { file, lostComments } of written) if (lostComments) lines.push(`  note: the comments in ${file} were not kept (they are in its backup)`);
  }
  lines.push(...notes, `Undo with: mcp-warden disconnect ${options.client}${options.scope === 'user' ? ' --scope user' : ''}`);
  io.out(lines.join('\n'));
  return 0;
}

/** Backs up and writes each file whose text changes; returns what was written. */
function write(plan: ConnectPlan): Array<{ file: string; backup: string; lostComments: boolean }> {
  const stamp = backupStamp();
  const written: Array<{ file: string; backup: string; lostComments: boolean }> = [];
  for (const json of plan.files.values()) {
    const text = render(json);
    if (text === json.before) continue;
    mkdirSync(dirname(json.file), { recursive: true });
    const backup = backupFile(json.file, stamp);
    writeFileSync(json.file, text);
    written.push({ file: json.file, backup, lostComments: json.before !== undefined && /\/\/|\/\*/.test(json.before) && json.file.endsWith('.jsonc') });
  }
  return written;
}

function describeRoute(route: GatewayRoute): string {
  if (route.http) return `HTTP ${route.http.url}, token from $${route.http.tokenVariable}`;
  return `stdio: ${[route.stdio!.command, ...route.stdio!.args].join(' ')}`;
}

/** The variable the agent's token comes from; gives the agent one (`${AGENT_TOKEN}`) in gateway.yaml when it has none. */
function httpToken(config: string, agent: string, token: string | undefined, notes: string[]): string {
  const variable = tokenVariable(token);
  if (variable) return variable;
  if (token !== undefined) {
    throw new WardenError('BAD_INPUT', `Agent "${agent}" in ${config} has its token written in the file; write it as "\${VARIABLE}" so the client config can name the variable instead of copying the secret`);
  }
  const created = `${agent.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_TOKEN`;
  const doc = parseDocument(readFileSync(config, 'utf8'));
  doc.setIn(['agents', agent, 'token'], `\${${created}}`);
  writeFileSync(config, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
  notes.push(`Gave agent "${agent}" the token \${${created}} in ${config}; export ${created}=$(openssl rand -hex 32) for both the gateway and the client`);
  return created;
}

export async function runDisconnect(_values: object, io: Io, positionals: string[]): Promise<number> {
  const client = clientOf(positionals[0], 'disconnect');
  const places = placesOf(io);
  const restored: string[] = [];
  for (const file of clientFiles(client, places)) {
    const backup = restoreFile(file);
    if (backup) restored.push(`  restored ${file} from ${backup}`);
  }
  if (restored.length === 0) throw new WardenError('BAD_INPUT', `No backup of ${client}'s config found; "mcp-warden connect ${client}" makes one before it changes anything`);
  io.out([`Restored ${client}'s config from the newest backups:`, ...restored].join('\n'));
  return 0;
}

/** Every file connect may change for `client`, in either scope. */
function clientFiles(client: Connectable, places: Places): string[] {
  if (client === 'claude-code') {
    return [claudeProjectFile(places), claudeUserFile(places), join(places.cwd, '.claude', 'settings.local.json'), join(places.home, '.claude', 'settings.json')];
  }
  const files = [opencodeProjectFile(places), opencodeUserFile(places)];
  // connect writes opencode.json when neither file existed; its backup is the `.absent` marker beside it.
  for (const dir of [places.cwd, dirname(opencodeUserFile(places))]) if (!files.includes(join(dir, 'opencode.json')) && existsSync(dir)) files.push(join(dir, 'opencode.json'));
  return files;
}
