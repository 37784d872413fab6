// The error response the gateway puts in place of an upstream answer it would not read (larger than
// max_result_bytes, not UTF-8). Its `data` is an object only this module makes, so no message an
// upstream writes (parsed from JSON) can pass for one, and the mark survives the Peer's McpError.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';

/** Why the answer was refused, in a sentence the agent may read. */
class Refusal {
  constructor(readonly reason: string) {}
}

/** An error response for request `id` saying why its answer was refused; recognised by refusalReason. */
export function refusedAnswer(id: string | number, message: string): JSONRPCMessage {
  return { jsonrpc: '2.0', id, error: { code: ErrorCode.InternalError, message, data: new Refusal(message) } };
}

/** The reason of a refused answer, given the `data` of the error it was turned into; undefined for any other. */
export function refusalReason(data: unknown): string | undefined {
  return data instanceof Refusal ? data.reason : undefined;
}
