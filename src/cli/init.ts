// `mcp-warden init`: writes a gateway.yaml that fronts the MCP servers the person's clients already
// have, and says what it did. The reading and writing live in src/setup/.
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { WardenError } from '../errors.js';
import { readClients } from '../setup/clients.js';
import { CLIENTS, type ClientName, type Places } from '../setup/client-server.js';
import { renderGatewayYaml } from '../setup/gateway-yaml.js';
import { importServers } from '../setup/import-servers.js';
import type { Io } from './io.js';

export interface InitOptions {
  from: ClientName | 'all';
  config: string;
  force: boolean;
}

/** init's flags as commander parsed them (src/cli/program.ts). */
export interface InitFlags {
  from?: string;
  config?: string;
  force?: boolean;
}

/** Checks init's flags and fills in the defaults. */
export function initOptions(values: InitFlags, io: Io): InitOptions {
  const from = values.from ?? 'all';
  if (from !== 'all' && !(CLIENTS as readonly string[]).includes(from)) {
    throw new WardenError('BAD_INPUT', `Unknown client "${from}" for --from; use one of ${[...CLIENTS, 'all'].join(', ')}`);
  }
  return { from: from as InitOptions['from'], config: resolve(io.cwd, values.config ?? io.env.MCP_WARDEN_CONFIG ?? 'gateway.yaml'), force: values.force ?? false };
}

/** Where the person's client configs are for this run. */
export function placesOf(io: Io): Places {
  return { home: io.env.HOME ?? homedir(), cwd: io.cwd, env: io.env };
}

export async function runInit(values: InitFlags, io: Io): Promise<number> {
  return init(initOptions(values, io), io);
}

/** Reads the clients, writes the config, prints what happened; 1 when there was nothing to do. */
export async function init(options: InitOptions, io: Io): Promise<number> {
  if (existsSync(options.config) && !options.force) {
    throw new WardenError('BAD_INPUT', `${options.config} already exists; init will not overwrite it. Pass --force to replace it, or --config to write elsewhere`);
  }
  const places = placesOf(io);
  const entries = readClients(options.from, places);
  const result = importServers(entries, places.cwd);
  if (result.servers.length === 0) {
    io.err(`mcp-warden: no MCP servers found in ${options.from === 'all' ? 'any client config' : `${options.from}'s config`} for ${places.cwd}; nothing written`);
    return 1;
  }
  const files = [...new Set(entries.map((entry) => entry.file))];
  const header = [
    ' mcp-warden gateway config, written by `mcp-warden init` from the MCP servers configured in:',
    ...files.map((file) => `   ${file}`),
    ' Secrets were not copied: each one is a ${VAR} reference; export the variables before serving.',
    ' Check it with `mcp-warden check`; every key is described in docs/config-reference.md.',
  ].join('\n');
  writeFileSync(options.config, renderGatewayYaml(result.servers, result.agents, header));

  const lines = [`Wrote ${options.config} with ${result.servers.length} server${result.servers.length === 1 ? '' : 's'} and ${result.agents.length} agent${result.agents.length === 1 ? '' : 's'}:`];
  for (const server of result.servers) {
    const what = server.url ?? [server.command, ...(server.args ?? [])].join(' ');
    lines.push(`  ${server.id}: ${what}${server.kind ? ` (kind: ${server.kind})` : ''}  from ${server.sources.map((source) => source.client).filter((client, index, all) => all.indexOf(client) === index).join(', ')}`);
  }
  lines.push(`Agents (profile ask-writes: reads run, writes ask a human): ${result.agents.join(', ')}`);
  for (const note of result.notes) lines.push(`Note: ${note}`);
  if (result.secrets.variables.length > 0) {
    lines.push('', 'Export these before `mcp-warden check` or `serve` (the values were not written anywhere):');
    for (const secret of result.secrets.variables) {
      const origin = secret.wasReference ? 'already a reference in the client config' : 'moved out of the client config';
      lines.push(`  export ${secret.variable}=...   # ${secret.server} ${secret.field}, ${origin}`);
    }
  }
  lines.push('', 'Next: `mcp-warden check`, then `mcp-warden connect CLIENT` to route a client through the gateway.');
  io.out(lines.join('\n'));
  return 0;
}
