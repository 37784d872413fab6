// What connect needs from gateway.yaml, read as written (variables not expanded): the identity of
// each server, so it knows which client entries init imported, and the agent's token variable.
import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { WardenError } from '../errors.js';
import { isObject } from './client-server.js';
import { identity } from './import-servers.js';

export interface GatewayFacts {
  file: string;
  identities: Set<string>;
  agents: Record<string, { token?: string }>;
}

export function readGatewayFacts(file: string): GatewayFacts {
  if (!existsSync(file)) throw new WardenError('CONFIG_NOT_FOUND', `${file} does not exist; run "mcp-warden init" first, or pass --config`);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) throw new WardenError('CONFIG_INVALID', `${file} is not valid YAML: ${doc.errors[0]!.message}; run "mcp-warden check"`);
  const root: unknown = doc.toJS();
  const servers = isObject(root) && isObject(root.servers) ? root.servers : {};
  const identities = new Set<string>();
  for (const server of Object.values(servers)) {
    if (!isObject(server)) continue;
    identities.add(
      identity({
        ...(typeof server.command === 'string' && { command: server.command }),
        ...(Array.isArray(server.args) && { args: server.args.map(String) }),
        ...(typeof server.url === 'string' && { url: server.url }),
      }),
    );
  }
  const agents: GatewayFacts['agents'] = {};
  if (isObject(root) && isObject(root.agents)) {
    for (const [name, agent] of Object.entries(root.agents)) agents[name] = isObject(agent) && typeof agent.token === 'string' ? { token: agent.token } : {};
  }
  return { file, identities, agents };
}

/** The variable an agent's token is read from (`${VAR}` or `${VAR:-default}`), if it is written that way. */
export function tokenVariable(token: string | undefined): string | undefined {
  return token === undefined ? undefined : /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$/.exec(token)?.[1];
}
