// Everything one upstream shows the model, listed for pinning: its tools, prompts and resource
// templates (every page) and its initialize instructions. Only what its capabilities announce is
// asked for; a list that fails fails the whole listing, since a partial listing would pin too little.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../upstream/types.js';
import type { ListedServer } from './compare.js';

/** A server that pages forever is cut off here; no real server has a hundred pages of tools. */
const MAX_PAGES = 100;

/** Connects (if needed) and lists everything `upstream` offers. */
export async function listServer(upstream: Upstream): Promise<ListedServer> {
  const info = await upstream.connect();
  const listed: ListedServer = { tools: info.capabilities.tools ? await upstream.listTools() : [] };
  if (info.capabilities.prompts) listed.prompts = await listAll(upstream, 'prompts/list', 'prompts');
  if (info.capabilities.resources) listed.resourceTemplates = await listAll(upstream, 'resources/templates/list', 'resourceTemplates');
  if (info.instructions) listed.instructions = info.instructions;
  return listed;
}

async function listAll(upstream: Upstream, method: string, key: string): Promise<unknown[]> {
  const items: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    let result: Record<string, unknown>;
    try {
      result = await upstream.request(method, cursor === undefined ? undefined : { cursor });
    } catch (error) {
      // A server with resources but no templates may not know the method at all: it has none.
      if (methodNotFound(error)) return items;
      throw error;
    }
    const list = result[key];
    if (Array.isArray(list)) items.push(...(list as unknown[]).filter((item) => typeof item === 'object' && item !== null && !Array.isArray(item)));
    cursor = typeof result.nextCursor === 'string' && !seen.has(result.nextCursor) ? result.nextCursor : undefined;
    if (cursor === undefined) break;
    seen.add(cursor);
  }
  return items;
}

function methodNotFound(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof McpError && cause.code === (ErrorCode.MethodNotFound as number);
}
