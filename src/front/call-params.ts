// The parameters of a tools/call that the pipeline relies on, checked by hand rather than with the
// SDK's zod schema (this is the hot path); the arguments themselves are checked by the pipeline.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

type JsonObject = Record<string, unknown>;

/** The parameters of a tools/call the pipeline relies on; anything else is refused before it runs. */
export function callParams(params: unknown): { name: string; arguments?: unknown; _meta?: JsonObject } {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params must be an object');
  const { name, arguments: args, _meta: meta } = params as JsonObject;
  if (typeof name !== 'string') throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params.name must be a string');
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) {
    throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params._meta must be an object');
  }
  return { name, ...(args !== undefined ? { arguments: args } : {}), ...(meta !== undefined ? { _meta: meta as JsonObject } : {}) };
}
