// What one upstream shows the model, gathered for a scan: its instructions from initialize, every
// tool, prompt and resource template (every page). A list the server announces but fails to give is
// an error: a server that cannot be read in full cannot be vouched for.
import { WardenError } from '../errors.js';
import type { Upstream } from '../upstream/types.js';
import type { ScanEntity } from './types.js';

type JsonObject = Record<string, unknown>;

/** Pages followed per list; a server that pages further is refused rather than read forever. */
const MAX_PAGES = 100;

/** Every entity `upstream` (server `server`) lists; throws what connect or a list throws. */
export async function collectEntities(server: string, upstream: Upstream): Promise<ScanEntity[]> {
  const info = await upstream.connect();
  const entities: ScanEntity[] = [];
  if (typeof info.instructions === 'string' && info.instructions) entities.push({ kind: 'instructions', server, name: server, definition: info.instructions });
  for (const tool of await upstream.listTools()) entities.push({ kind: 'tool', server, name: tool.name, definition: tool });
  if (info.capabilities.prompts) {
    for (const item of await listAll(upstream, 'prompts/list', 'prompts')) entities.push({ kind: 'prompt', server, name: String(item.name), definition: item });
  }
  if (info.capabilities.resources) {
    for (const item of await listAll(upstream, 'resources/templates/list', 'resourceTemplates')) {
      entities.push({ kind: 'resource-template', server, name: String(item.name ?? item.uriTemplate), definition: item });
    }
  }
  return entities;
}

async function listAll(upstream: Upstream, method: string, key: string): Promise<JsonObject[]> {
  const items: JsonObject[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await upstream.request(method, cursor ? { cursor } : undefined);
    const list = result[key];
    if (!Array.isArray(list)) throw new WardenError('UPSTREAM_ERROR', `Upstream answered ${method} without a "${key}" list`);
    for (const item of list) if (typeof item === 'object' && item !== null && !Array.isArray(item)) items.push(item as JsonObject);
    cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
    if (!cursor) return items;
  }
  throw new WardenError('UPSTREAM_ERROR', `Upstream gave more than ${MAX_PAGES} pages of ${method}`);
}
