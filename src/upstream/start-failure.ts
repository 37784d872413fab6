// Why an upstream could not be started or connected to, in one sentence an operator can act on:
// `Cannot start upstream "fs": command "node" exited with code 1 before answering "initialize"; …`.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isWardenError, type WardenError } from '../errors.js';
import type { DescribedTransport } from './ordered-transport.js';
import { TransportStartError } from './transport-start-error.js';
import { unavailableError } from './upstream-errors.js';

export interface StartFailureContext {
  id: string;
  /** "start" for a process, "connect to" for a remote server. */
  verb: string;
  /** `command "node"`, `url "https://…"`. */
  target: string;
  connectTimeoutMs: number;
  /** The transport of the failed attempt, when one was made. */
  transport?: DescribedTransport;
}

/** Turns a failed connect attempt into UPSTREAM_UNAVAILABLE, with the process's exit and last stderr line when known. */
export function startFailure(error: unknown, context: StartFailureContext): WardenError {
  if (isWardenError(error)) return error;
  const { id, verb, target, transport } = context;
  const message = error instanceof Error ? error.message : String(error);
  let detail: string;
  if (error instanceof TransportStartError || !transport) {
    detail = message;
  } else if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
    detail = `${target} ${transport.describeExit?.() ?? 'closed the connection'} before answering "initialize"`;
  } else if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    detail = `${target} did not answer "initialize" within ${context.connectTimeoutMs} ms`;
  } else {
    // The SDK's HTTP errors carry the status as `code` but not always in the message.
    const status = (error as { code?: unknown }).code;
    const http = typeof status === 'number' && status >= 400 && status < 600 && !message.includes(String(status)) ? ` (HTTP ${status})` : '';
    detail = `${target}: ${message}${http}`;
  }
  const lastLine = transport?.stderrTail?.().filter((line) => line.trim() !== '').at(-1);
  const stderr = lastLine ? `; its last stderr line was ${JSON.stringify(lastLine)}` : '';
  return unavailableError(`Cannot ${verb} upstream "${id}": ${detail}${stderr}`, error);
}
