// Errors an outbound request rejects with. They are the SDK's McpError (code, message, data), so
// code written against the SDK Client keeps reading them as before; one constructor per reason.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { RpcErrorShape } from './types.js';

export { McpError as RpcError };

/** The other side's error answer, as the SDK builds it (a URL elicitation error keeps its own class). */
export function fromErrorAnswer(error: RpcErrorShape): McpError {
  return McpError.fromError(error.code, error.message, error.data);
}

/** The connection closed before the answer came. */
export function connectionClosed(): McpError {
  return new McpError(ErrorCode.ConnectionClosed, 'Connection closed');
}

/** The request waited longer than it was allowed to. */
export function timedOut(timeout: number): McpError {
  return new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout });
}

/** Progress kept coming past the request's total cap. */
export function totalTimeoutExceeded(maxTotalTimeout: number, totalElapsed: number): McpError {
  return new McpError(ErrorCode.RequestTimeout, 'Maximum total timeout exceeded', { maxTotalTimeout, totalElapsed });
}

/** The caller aborted: the SDK's form, so an abort reason that is already an McpError is kept. */
export function aborted(reason: unknown): McpError {
  return reason instanceof McpError ? reason : new McpError(ErrorCode.RequestTimeout, String(reason));
}
