// A structural check of one JSON-RPC 2.0 message. The SDK's own guard runs a full zod parse of the
// message union on every line, which costs more than the rest of a proxied call; the SDK still
// validates each request and result against its method's schema where it handles them.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Parses one line of newline-delimited JSON-RPC; throws on anything that is not a message. */
export function parseJsonRpcLine(line: string): JSONRPCMessage {
  const value: unknown = JSON.parse(line);
  if (!isJsonRpcMessage(value)) throw new Error('Not a JSON-RPC 2.0 message');
  return value;
}

/** True for a request, notification, result or error response of JSON-RPC 2.0. */
export function isJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return false;
  const id = message.id;
  const validId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  if (typeof message.method === 'string') {
    if (message.params !== undefined && (typeof message.params !== 'object' || message.params === null || Array.isArray(message.params))) return false;
    return id === undefined || validId;
  }
  if (!validId) return false;
  if ('result' in message) return typeof message.result === 'object' && message.result !== null && !('error' in message);
  const error = message.error as Record<string, unknown> | undefined;
  return typeof error === 'object' && error !== null && Number.isInteger(error.code) && typeof error.message === 'string';
}
