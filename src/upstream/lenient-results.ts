// Result schemas for what upstream servers answer. Other MCP implementations are parsed leniently
// (STYLE.md habit 2): extra or slightly-off fields pass through instead of failing the call.
import { z } from 'zod';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Any result object; a non-object result becomes `{}`. */
export const LenientResultSchema = z.unknown().transform((value): Record<string, unknown> => (isObject(value) ? value : {}));

/** A tool result with every field kept; `content` is always an array (missing → [], one block → [block]). */
export function lenientCallToolResult(value: unknown): CallToolResult {
  const result = isObject(value) ? value : {};
  const { content } = result;
  if (Array.isArray(content)) return result as CallToolResult;
  return { ...result, content: isObject(content) ? [content] : [] } as CallToolResult;
}


/** One page of tools/list: entries without a string name are dropped, a missing inputSchema becomes an empty object schema. */
export const LenientToolPageSchema = LenientResultSchema.transform((result): { tools: Tool[]; nextCursor?: string } => {
  const entries = Array.isArray(result.tools) ? result.tools : [];
  const tools = entries.filter((tool): tool is Record<string, unknown> => isObject(tool) && typeof tool.name === 'string').map(
    (tool) => ({ ...tool, inputSchema: isObject(tool.inputSchema) ? tool.inputSchema : { type: 'object' } }) as Tool,
  );
  const nextCursor = typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
  return nextCursor === undefined ? { tools } : { tools, nextCursor };
});
