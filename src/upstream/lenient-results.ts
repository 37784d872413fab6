// What upstream servers answer, read leniently (STYLE.md habit 2): other MCP implementations' extra
// or slightly-off fields pass through instead of failing the call. Plain checks of the few fields we
// rely on, no schema library: this runs on every tools/call.
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Any result object; a non-object result becomes `{}`. */
export function lenientResult(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

/** A tool result with every field kept; `content` is always an array (missing → [], one block → [block]). */
export function lenientCallToolResult(value: unknown): CallToolResult {
  const result = lenientResult(value);
  const { content } = result;
  if (Array.isArray(content)) return result as CallToolResult;
  return { ...result, content: isObject(content) ? [content] : [] } as CallToolResult;
}

/** One page of tools/list: entries without a string name are dropped, a missing inputSchema becomes an empty object schema. */
export function lenientToolPage(value: unknown): { tools: Tool[]; nextCursor?: string } {
  const result = lenientResult(value);
  const entries = Array.isArray(result.tools) ? (result.tools as unknown[]) : [];
  const tools = entries
    .filter((tool): tool is Record<string, unknown> => isObject(tool) && typeof tool.name === 'string')
    .map((tool) => ({ ...tool, inputSchema: isObject(tool.inputSchema) ? tool.inputSchema : { type: 'object' } }) as Tool);
  const nextCursor = typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
  return nextCursor === undefined ? { tools } : { tools, nextCursor };
}
