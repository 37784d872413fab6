// Writes the gateway.yaml that init produces: the imported servers, one safe profile, one agent per
// client, with comments saying where each server came from and why the profile is what it is.
import { Document, isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import type { ClientName, ClientServer } from './client-server.js';

export type ServerKind = 'filesystem' | 'database' | 'shell';

/** One server as the gateway will run it, with the client entries it was imported from. */
export interface GatewayServer {
  id: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  transport?: 'http' | 'sse';
  headers?: Record<string, string>;
  kind?: ServerKind;
  readonly?: string[];
  sources: ClientServer[];
}

/** The profile every imported agent extends. */
export const PROFILE = 'ask-writes';

const PROFILE_BODY = {
  extends: ['readonly'],
  safety: 'standard',
  shell: 'unrestricted',
  file_write: 'full',
  database: 'mutations',
};

const PROFILE_COMMENT = [
  ' Every agent below starts here. Calls that change nothing run; a call that writes, runs a shell',
  ' command or touches a database waits for a human (approval "dangerous", from readonly).',
  ' readonly alone would refuse writes outright; these settings turn those refusals into asks.',
].join('\n');

/** The text of gateway.yaml for `servers` and `agents` (one per client, all on the safe profile). */
export function renderGatewayYaml(servers: readonly GatewayServer[], agents: readonly ClientName[], header: string): string {
  const doc = new Document({
    servers: Object.fromEntries(servers.map((server) => [server.id, serverBody(server)])),
    profiles: { [PROFILE]: PROFILE_BODY },
    agents: Object.fromEntries(agents.map((agent) => [agent, { extends: [PROFILE] }])),
  });
  doc.commentBefore = header;
  const root = doc.contents as YAMLMap;
  for (const pair of (root.items[0]!.value as YAMLMap).items) {
    const server = servers.find((candidate) => candidate.id === keyOf(pair))!;
    setComment(pair, ` from ${describeSources(server.sources)}${server.kind ? `; kind guessed from its command` : ''}`);
    const body = pair.value;
    if (isMap(body)) for (const field of ['args', 'readonly']) flow(body.get(field, true));
  }
  const profiles = root.items[1]!;
  setComment(profiles, PROFILE_COMMENT);
  flow(((profiles.value as YAMLMap).items[0]!.value as YAMLMap).get('extends', true));
  const agentsPair = root.items[2]!;
  setComment(agentsPair, ' One agent per client that had servers; `mcp-warden connect CLIENT` points that client here.');
  for (const pair of (agentsPair.value as YAMLMap).items) flow((pair.value as YAMLMap).get('extends', true));
  for (const pair of root.items.slice(1)) if (isScalar(pair.key)) pair.key.spaceBefore = true;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function serverBody(server: GatewayServer): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (server.command !== undefined) body.command = server.command;
  if (server.args && server.args.length > 0) body.args = server.args;
  if (server.env && Object.keys(server.env).length > 0) body.env = server.env;
  if (server.cwd !== undefined) body.cwd = server.cwd;
  if (server.url !== undefined) body.url = server.url;
  if (server.transport === 'sse') body.transport = 'sse';
  if (server.headers && Object.keys(server.headers).length > 0) body.headers = server.headers;
  if (server.kind) body.kind = server.kind;
  if (server.readonly) body.readonly = server.readonly;
  return body;
}

/** `claude-code (.mcp.json, project scope) and cursor (~/.cursor/mcp.json, user scope)`. */
export function describeSources(sources: readonly ClientServer[]): string {
  return sources.map((source) => `${source.client} "${source.name}" (${source.file}, ${source.scope} scope)`).join(', ');
}

function keyOf(pair: Pair): string {
  return String(isScalar(pair.key) ? pair.key.value : pair.key);
}

function setComment(pair: Pair, comment: string): void {
  if (isScalar(pair.key)) pair.key.commentBefore = comment;
}

function flow(node: unknown): void {
  if (isSeq(node)) node.flow = true;
}
