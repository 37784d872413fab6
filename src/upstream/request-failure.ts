// How one request to an upstream failed, named from what the Peer rejected it with: cancelled by the
// caller, the server's own error answer, an answer we would not read, or one of the Peer's deadlines.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { InvalidAnswerError, isErrorAnswer } from '../jsonrpc/peer.js';
import { isWardenError, WardenError } from '../errors.js';
import { refusalReason } from './refused-answer.js';
import { cancelledError, invalidResultError, rpcError, timeoutError, totalTimeoutError } from './upstream-errors.js';

/** One request's limits, for its Peer options and for naming how it ended. */
export interface CallLimits {
  method: string;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  maxTotalMs: number;
}

/**
 * The WardenError for a request that failed on a working connection; undefined when the failure was
 * below JSON-RPC (the connection closed, a send failed), which only the connection's owner can name.
 */
export function requestFailure(id: string, error: unknown, call: CallLimits): WardenError | undefined {
  const { method } = call;
  if (isWardenError(error)) return error;
  // The Peer rejects an abort with the signal's reason; whoever held the signal gave up.
  if (call.signal?.aborted) return cancelledError(id, method);
  if (isErrorAnswer(error)) {
    const answer = error as McpError;
    const refused = refusalReason(answer.data);
    // The transport would not read the answer (max_result_bytes, invalid UTF-8): a failed call the agent can read.
    if (refused !== undefined) return new WardenError('UPSTREAM_ANSWER_REFUSED', refused);
    return rpcError(id, method, answer);
  }
  if (error instanceof InvalidAnswerError) return invalidResultError(id, method, error);
  // Not an answer, so a RequestTimeout is one of the Peer's own deadlines (an upstream's -32001 was caught above).
  if (error instanceof McpError && error.code === (ErrorCode.RequestTimeout as number)) {
    const total = (error.data as { maxTotalTimeout?: unknown } | undefined)?.maxTotalTimeout !== undefined;
    return total ? totalTimeoutError(id, method, call.maxTotalMs) : timeoutError(id, method, call.timeoutMs);
  }
  return undefined;
}
