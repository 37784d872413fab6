// The error response the gateway puts in place of an upstream answer it would not read (larger than
// max_result_bytes, not UTF-8). It is marked by identity, so no message an upstream writes can pass for one.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';

const refused = new WeakSet<object>();

/** An error response for request `id` saying why its answer was refused; recognised by isRefusedAnswer. */
export function refusedAnswer(id: string | number, message: string): JSONRPCMessage {
  const answer = { jsonrpc: '2.0' as const, id, error: { code: ErrorCode.InternalError, message } };
  refused.add(answer);
  return answer;
}

/** True only for a message made by refusedAnswer. */
export function isRefusedAnswer(message: JSONRPCMessage): boolean {
  return refused.has(message);
}
