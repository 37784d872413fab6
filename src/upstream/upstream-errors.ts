// The WardenErrors an upstream call can end in, worded once so every upstream kind says the same.
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { WardenError } from '../errors.js';

/** The call did not finish within its deadline. */
export function timeoutError(id: string, method: string, timeoutMs: number): WardenError {
  return new WardenError('UPSTREAM_TIMEOUT', `Upstream "${id}" did not answer "${method}" within ${timeoutMs} ms`);
}

/** A call that kept reporting progress still ran past the overall cap. */
export function totalTimeoutError(id: string, method: string, maxTotalMs: number): WardenError {
  return new WardenError(
    'UPSTREAM_TIMEOUT',
    `Upstream "${id}" did not finish "${method}" within ${maxTotalMs} ms, although it kept reporting progress`,
  );
}

/** The agent (or whoever held the signal) gave up on the call. */
export function cancelledError(id: string, method: string): WardenError {
  return new WardenError('CANCELLED', cancelledText(id, method));
}

/** What the server is told when a call is cancelled: our words, never the caller's reason. */
export function cancelledText(id: string, method: string): string {
  return `The call of "${method}" on upstream "${id}" was cancelled`;
}

/** The connection went away while the call was in flight. `how`: `exited (code 1)`, `closed the connection`, `failed (write EPIPE)`. */
export function exitedError(id: string, method: string, how: string, cause?: unknown): WardenError {
  const message = (said: string) => `Upstream "${id}" ${said} while handling "${method}"; it restarts on the next call`;
  // What follows `failed` is the lower layer's own text (an HTTP error's body, a socket error): the
  // operator's to read, not the agent's.
  return new WardenError('UPSTREAM_EXITED', message(how), { cause, agentMessage: message(how.replace(/^failed \(.*\)$/s, 'failed')) });
}

/** The upstream answered with a JSON-RPC error; `cause` keeps its code and message for the gateway to forward. */
export function rpcError(id: string, method: string, error: McpError): WardenError {
  const text = error.message.replace(/^(MCP error -?\d+: )+/, '');
  return new WardenError('UPSTREAM_ERROR', `Upstream "${id}" answered "${method}" with error ${error.code}: ${text}`, { cause: error });
}

/** The upstream answered with something that is not a result at all. */
export function invalidResultError(id: string, method: string, cause: unknown): WardenError {
  return new WardenError('UPSTREAM_ERROR', `Upstream "${id}" sent an invalid answer to "${method}"`, { cause });
}

/** The upstream cannot be used now: it failed to start, or it was closed. */
export function unavailableError(message: string, cause?: unknown, options: { agentMessage?: string } = {}): WardenError {
  return new WardenError('UPSTREAM_UNAVAILABLE', message, { cause, ...options });
}
