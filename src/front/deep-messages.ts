// Messages from the agent other than tools/call are held to the depth limit tool arguments have
// (tools/call is checked, and audited, in the call pipeline). Past it, the relay to an upstream
// overflows the stack in JSON.stringify, which marks the upstream as failed and restarts it.
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MAX_ARGUMENT_DEPTH, nestsDeeperThan } from '../gateway/argument-depth.js';

/** Whether the message's params, result or error data nest deeper than the limit. Never recurses. */
export function nestsTooDeep(message: JSONRPCMessage): boolean {
  const record = message as { params?: unknown; result?: unknown; error?: { data?: unknown } };
  return nestsDeeperThan(record.params ?? record.result ?? record.error?.data, MAX_ARGUMENT_DEPTH);
}

/** The error that answers (or, for the agent's answer, replaces) a message nested too deep. */
export function tooDeepError(id: string | number, what: 'request' | 'answer'): JSONRPCMessage {
  const message = what === 'request' ? `Invalid params: nested more than ${MAX_ARGUMENT_DEPTH} levels deep, which mcp-warden refuses` : `The client's answer is nested more than ${MAX_ARGUMENT_DEPTH} levels deep, which mcp-warden refuses`;
  return { jsonrpc: '2.0', id, error: { code: ErrorCode.InvalidParams, message } };
}
