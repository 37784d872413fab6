// Why an upstream could not be started or connected to, twice: in one sentence an operator can act on
// (`Cannot start upstream "fs": command "node" exited with code 1 before answering "initialize"; …`),
// and as `Upstream "fs" is unavailable: <short reason>` for the agent, with no command line, path,
// URL, environment or stderr in it: those are the operator's, and may hold secrets.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isWardenError, type WardenError } from '../errors.js';
import type { DescribedTransport } from './described-transport.js';
import { stderrReason } from './stderr-reason.js';
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

/**
 * Turns a failed connect attempt into UPSTREAM_UNAVAILABLE: the message names the target, how the
 * process ended and the stderr line that explains it; `agentMessage` keeps only the server and a short reason.
 */
export function startFailure(error: unknown, context: StartFailureContext): WardenError {
  if (isWardenError(error)) return error;
  const { id, verb, target, transport } = context;
  const message = error instanceof Error ? error.message : String(error);
  let detail: string;
  let reason: string;
  if (error instanceof TransportStartError || !transport) {
    detail = message;
    reason = spawnReason(error);
  } else if (error instanceof McpError && error.code === (ErrorCode.ConnectionClosed as number)) {
    const exit = transport.describeExit?.();
    detail = `${target} ${exit ?? 'closed the connection'} before answering "initialize"`;
    reason = `${exit ?? 'closed the connection'} before answering "initialize"`;
  } else if (error instanceof McpError && error.code === (ErrorCode.RequestTimeout as number)) {
    detail = `${target} did not answer "initialize" within ${context.connectTimeoutMs} ms`;
    reason = `did not answer "initialize" in ${duration(context.connectTimeoutMs)}`;
  } else {
    // The SDK's HTTP errors carry the status as `code` but not always in the message.
    const status = httpStatus(error);
    const http = status !== undefined && !message.includes(String(status)) ? ` (HTTP ${status})` : '';
    // fetch says only "fetch failed"; the system error (ECONNREFUSED, ENOTFOUND) is in its cause.
    const errno = errnoIn(error);
    detail = `${target}: ${message}${http}${errno && !message.includes(errno) ? ` (${errno})` : ''}`;
    reason = status !== undefined ? `answered with HTTP ${status}` : `connection failed${errno ? ` (${errno})` : ''}`;
  }
  const tail = transport?.stderrTail?.() ?? [];
  const said = stderrReason(tail);
  const last = tail.filter((line) => line.trim() !== '').at(-1);
  const stderr = said === undefined ? '' : said === last ? `; its last stderr line was ${JSON.stringify(said)}` : `; its stderr said ${JSON.stringify(said)}`;
  return unavailableError(`Cannot ${verb} upstream "${id}": ${detail}${stderr}`, error, {
    agentMessage: `Upstream "${id}" is unavailable: ${reason}`,
  });
}

/** Why a process could not be spawned at all, without its command or paths. */
function spawnReason(error: unknown): string {
  if (error instanceof Error && /^working directory /.test(error.message)) return 'working directory does not exist';
  const code = errnoOf(error instanceof Error ? error.cause : undefined) ?? errnoOf(error);
  if (code === 'ENOENT') return 'command not found';
  if (code) return `command could not be started (${code})`;
  return 'could not be started';
}

/** `30 s`, `1.5 s`, `400 ms`: a connect timeout as a person says it. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** The first system error code in `error`, its causes, or its message. */
function errnoIn(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = errnoOf(current);
    if (code) return code;
    current = current.cause;
  }
  return error instanceof Error ? /\b(E[A-Z]{4,})\b/.exec(error.message)?.[1] : undefined;
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { code?: unknown }).code;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}
