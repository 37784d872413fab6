// Turns the entries read from clients into gateway servers: one per distinct server (an entry seen
// in several clients or scopes becomes one), with valid ids, gateway references, secrets moved out
// and a guessed kind.
import type { ClientName, ClientServer } from './client-server.js';
import type { GatewayServer } from './gateway-yaml.js';
import { FILESYSTEM_READONLY, guessKind } from './kind.js';
import { toGatewayReferences } from './references.js';
import { SecretTable, URL_PASSWORD } from './secrets.js';


/** What init will write, and what it tells the person. */
export interface ImportResult {
  servers: GatewayServer[];
  agents: ClientName[];
  notes: string[];
  secrets: SecretTable;
}

/** True for an entry that is the gateway itself (added by `connect`), which init must not import. */
export function isGatewayEntry(entry: Pick<ClientServer, 'name' | 'command' | 'args' | 'url'>): boolean {
  const line = [entry.command ?? '', ...(entry.args ?? [])].join(' ');
  return entry.name === 'warden' || entry.name === 'warden-stdio' || /mcp-warden(\.js)?\b.*\bserve\b/.test(line);
}

/** What makes two entries the same server: its command line or URL, after reference rewriting. */
export function identity(entry: Pick<GatewayServer, 'command' | 'args' | 'url'>): string {
  // Passwords in URLs are left out: init moved them to variables, so the client's copy differs there.
  const text = entry.url !== undefined ? `url ${entry.url}` : `cmd ${JSON.stringify([entry.command ?? '', ...(entry.args ?? [])])}`;
  return text.replace(URL_PASSWORD, '$1*$3');
}

/** The gateway's view of one client entry, before secrets and ids. */
export function normalise(entry: ClientServer, cwd: string): Omit<GatewayServer, 'id' | 'sources'> {
  const ref = (text: string) => toGatewayReferences(text, entry.client, cwd);
  const map = (record: Record<string, string> | undefined) => record && Object.fromEntries(Object.entries(record).map(([key, value]) => [key, ref(value)]));
  return {
    ...(entry.command !== undefined && { command: ref(entry.command) }),
    ...(entry.args && { args: entry.args.map(ref) }),
    ...(entry.env && { env: map(entry.env) }),
    ...(entry.cwd !== undefined && { cwd: ref(entry.cwd) }),
    ...(entry.url !== undefined && { url: ref(entry.url) }),
    ...(entry.transport && { transport: entry.transport }),
    ...(entry.headers && { headers: map(entry.headers) }),
  };
}

/** Merges `entries` (in client order) into gateway servers. */
export function importServers(entries: readonly ClientServer[], cwd: string): ImportResult {
  const notes: string[] = [];
  const secrets = new SecretTable();
  const byIdentity = new Map<string, GatewayServer>();
  const ids = new Set<string>();
  const agents: ClientName[] = [];
  for (const entry of entries) {
    if (isGatewayEntry(entry)) continue;
    if (!agents.includes(entry.client)) agents.push(entry.client);
    const server = normalise(entry, cwd);
    const key = identity(server);
    const known = byIdentity.get(key);
    if (known) {
      known.sources.push(entry);
      const how = known.id === entry.name ? '' : ` under the name "${known.id}"`;
      notes.push(`${entry.client} "${entry.name}" (${entry.file}) is the same server as ${known.sources[0]!.client} "${known.sources[0]!.name}"; imported once${how}`);
      continue;
    }
    const id = uniqueId(validId(entry.name), ids);
    if (id !== entry.name) notes.push(`${entry.client} "${entry.name}" (${entry.file}) is imported as "${id}": ${validId(entry.name) === id ? 'a server id has only letters, digits, "-" and "_", starting with a letter or digit' : 'another server already has that name'}`);
    ids.add(id);
    const kind = entry.url === undefined ? guessKind([server.command ?? '', ...(server.args ?? [])].join(' ')) : undefined;
    const imported: GatewayServer = {
      id,
      ...server,
      ...(server.args && { args: server.args.map((arg) => secrets.urlValue(id, 'argument', arg)) }),
      ...(server.url !== undefined && { url: secrets.urlValue(id, 'url', server.url) }),
      ...(server.env && { env: Object.fromEntries(Object.entries(server.env).map(([name, value]) => [name, secrets.envValue(id, name, value)])) }),
      ...(server.headers && {
        headers: Object.fromEntries(Object.entries(server.headers).map(([name, value]) => [name, secrets.headerValue(id, name, value)])),
      }),
      ...(kind && { kind }),
      ...(kind === 'filesystem' && /server-filesystem/.test(JSON.stringify(server.args ?? [])) && { readonly: FILESYSTEM_READONLY }),
      sources: [entry],
    };
    byIdentity.set(key, imported);
  }
  return { servers: [...byIdentity.values()], agents, notes, secrets };
}

/** `name` made into a valid server id. */
function validId(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '');
  return cleaned === '' ? 'server' : cleaned;
}

function uniqueId(id: string, taken: ReadonlySet<string>): string {
  if (!taken.has(id)) return id;
  let n = 2;
  while (taken.has(`${id}-${n}`)) n++;
  return `${id}-${n}`;
}
