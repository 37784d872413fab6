// A structural check of one JSON-RPC 2.0 message. The SDK's own guard runs a full zod parse of the
// message union on every line, which costs more than the rest of a proxied call. The check accepts
// exactly what the SDK's Protocol classifies as a request, notification or response (strict keys,
// integer ids, the shape of `_meta`): a message it let through that the Protocol could not classify
// would be dropped there without an answer, leaving the agent waiting.
// test/front/jsonrpc-shape.test.ts compares the two on generated messages.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** `_meta` key the SDK reserves for task association. */
const RELATED_TASK = 'io.modelcontextprotocol/related-task';

/** Parses one line of newline-delimited JSON-RPC; throws on anything that is not a message. */
export function parseJsonRpcLine(line: string): JSONRPCMessage {
  const value: unknown = JSON.parse(line);
  if (!isJsonRpcMessage(value)) throw new Error('Not a JSON-RPC 2.0 message');
  return value;
}

/** True for a request, notification, result or error response of JSON-RPC 2.0 as MCP uses it. */
export function isJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (!isObject(value)) return false;
  const message = value;
  if (message.jsonrpc !== '2.0') return false;
  if ('method' in message) {
    if (typeof message.method !== 'string') return false;
    if (!onlyKeys(message, 'id' in message ? REQUEST_KEYS : NOTIFICATION_KEYS)) return false;
    if ('id' in message && !isId(message.id)) return false;
    return message.params === undefined || (isObject(message.params) && validMeta(message.params._meta));
  }
  if ('result' in message) {
    return onlyKeys(message, RESULT_KEYS) && isId(message.id) && isObject(message.result) && validMeta(message.result._meta);
  }
  if ('error' in message) {
    if (!onlyKeys(message, ERROR_KEYS) || (message.id !== undefined && !isId(message.id))) return false;
    const error = message.error;
    return isObject(error) && Number.isSafeInteger(error.code) && typeof error.message === 'string';
  }
  return false;
}

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const NOTIFICATION_KEYS = new Set(['jsonrpc', 'method', 'params']);
const RESULT_KEYS = new Set(['jsonrpc', 'id', 'result']);
const ERROR_KEYS = new Set(['jsonrpc', 'id', 'error']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** zod's int() accepts safe integers only: 2^53 and beyond would pass here and hang in the SDK. */
function isId(value: unknown): value is string | number {
  return typeof value === 'string' || Number.isSafeInteger(value);
}

function onlyKeys(message: Record<string, unknown>, allowed: Set<string>): boolean {
  for (const key in message) if (!allowed.has(key)) return false;
  return true;
}

function validMeta(meta: unknown): boolean {
  if (meta === undefined) return true;
  if (!isObject(meta)) return false;
  const token = meta.progressToken;
  if (token !== undefined && !isId(token)) return false;
  const related = meta[RELATED_TASK];
  return related === undefined || (isObject(related) && typeof related.taskId === 'string');
}
