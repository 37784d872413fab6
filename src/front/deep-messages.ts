// Messages from the agent other than tools/call are held to the depth limit tool arguments have
// (tools/call is checked, and audited, in the call pipeline). Past it, the relay to an upstream
// overflows the stack in JSON.stringify, which marks the upstream as failed and restarts it.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { MAX_ARGUMENT_DEPTH, nestsDeeperThan } from '../gateway/argument-depth.js';
import { ProtocolError } from './to-response.js';

/** Whether params (or an answer's result) nest deeper than the limit. Never recurses. */
export function nestsTooDeep(value: unknown): boolean {
  return nestsDeeperThan(value, MAX_ARGUMENT_DEPTH);
}

/** The error answer to a request whose params nest too deep. */
export function tooDeepRequest(): ProtocolError {
  return new ProtocolError(ErrorCode.InvalidParams, `Invalid params: nested more than ${MAX_ARGUMENT_DEPTH} levels deep, which mcp-warden refuses`);
}

/**
 * Waits for the agent's answer to one of our requests. Nested too deep (result or error data), it
 * becomes an error as if the agent had answered with one, so the upstream that asked is answered.
 */
export async function askAgent<T>(answer: Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await answer;
  } catch (error) {
    if (error instanceof McpError && nestsTooDeep(error.data)) throw tooDeepAnswer();
    throw error;
  }
  if (nestsTooDeep(result)) throw tooDeepAnswer();
  return result;
}

function tooDeepAnswer(): McpError {
  return new McpError(ErrorCode.InvalidParams, `The client's answer is nested more than ${MAX_ARGUMENT_DEPTH} levels deep, which mcp-warden refuses`);
}
