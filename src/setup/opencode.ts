// OpenCode: the `mcp` key of opencode.json / opencode.jsonc, in the project directory and in
// ~/.config/opencode/. Local entries are `{type: "local", command: [...], environment}`, remote ones
// `{type: "remote", url, headers}`; `{env:VAR}` is its variable reference.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type ClientFile, type ClientServer, isObject, objectAt, parseEntry, type Places } from './client-server.js';
import { readJsoncFile } from './jsonc.js';

const strings = z.record(z.string(), z.string());
const entry = z.looseObject({
  type: z.enum(['local', 'remote']),
  command: z.array(z.string()).min(1).optional(),
  environment: strings.optional(),
  url: z.string().optional(),
  headers: strings.optional(),
  enabled: z.boolean().optional(),
});

/** The config file in `dir`: opencode.jsonc if present, else opencode.json (which may not exist yet). */
export function configIn(dir: string): string {
  const jsonc = join(dir, 'opencode.jsonc');
  return existsSync(jsonc) ? jsonc : join(dir, 'opencode.json');
}

export function projectFile(places: Places): string {
  return configIn(places.cwd);
}

export function userFile(places: Places): string {
  return configIn(join(places.env.XDG_CONFIG_HOME ?? join(places.home, '.config'), 'opencode'));
}

export function readOpencode(places: Places): ClientServer[] {
  return [
    ...read({ client: 'opencode', file: projectFile(places), scope: 'project' }),
    ...read({ client: 'opencode', file: userFile(places), scope: 'user' }),
  ];
}

function read(at: ClientFile): ClientServer[] {
  const servers = objectAt(readJsoncFile(at.file), ['mcp']);
  if (!servers) return [];
  // A server the person switched off stays off: the gateway would otherwise start it.
  return Object.entries(servers).filter(([, value]) => !(isObject(value) && value.enabled === false)).map(([name, value]) => {
    const parsed = parseEntry(entry, value, at.file, `mcp.${name}`);
    const [command, ...args] = parsed.command ?? [];
    return {
      ...at,
      container: ['mcp'],
      name,
      ...(command !== undefined && { command, args }),
      ...(parsed.environment && { env: parsed.environment }),
      ...(parsed.url !== undefined && { url: parsed.url, transport: 'http' as const }),
      ...(parsed.headers && { headers: parsed.headers }),
    };
  });
}
