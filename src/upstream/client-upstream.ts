// One upstream connection through the SDK Client, whatever the transport: lazy connect shared by
// concurrent callers, per-call deadlines, server→client traffic handed to hooks, restart with backoff.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  type CallToolResult,
  type ClientCapabilities,
  type ClientRequest,
  type Implementation,
  type Progress,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { isWardenError, WardenError } from '../errors.js';
import { VERSION } from '../version.js';
import { LenientResultSchema, LenientToolPageSchema, lenientCallToolResult } from './lenient-results.js';
import { DirectCalls } from './direct-calls.js';
import { noSchemaValidator } from '../jsonrpc/no-schema-validator.js';
import { OrderedTransport, type DescribedTransport } from './ordered-transport.js';
import { RestartBackoff, type BackoffOptions } from './restart-backoff.js';
import { raceDeadline, sleep, withTimeout } from './deadline.js';
import { wireServerTraffic } from './server-traffic.js';
import { startFailure } from './start-failure.js';
import type { Upstream, UpstreamHooks, UpstreamInfo, UpstreamRequestOptions } from './types.js';
import { cancelledError, exitedError, invalidResultError, rpcError, timeoutError, totalTimeoutError, unavailableError } from './upstream-errors.js';

export interface ClientUpstreamOptions {
  id: string;
  /** Makes a fresh, unstarted transport; called for the first connect and for every restart. */
  connectTransport: () => Transport | Promise<Transport>;
  hooks?: UpstreamHooks;
  /** How we introduce ourselves to the upstream. */
  clientInfo?: Implementation;
  /**
   * Client capabilities announced to the upstream (pass what the agent's client declared). Default:
   * elicitation, sampling and roots when `hooks.onRequest` is set, none otherwise.
   */
  capabilities?: ClientCapabilities;
  /** Default per-call deadline in milliseconds. Default 60 s. */
  timeoutMs?: number;
  /** Deadline for the initialize handshake. Default 30 s. */
  connectTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Problems that fail no call (garbage on stdout, a stray response); ignored by default. */
  onError?: (error: Error) => void;
  /** What is being started, for messages: `command "node"`, `url "https://…"`. */
  target?: string;
  /** The verb for start failures: "start" (a process) or "connect to" (a remote server). */
  startVerb?: string;
}

interface Connection {
  client: Client;
  /** tools/call written straight to the transport (see direct-calls.ts). */
  direct: DirectCalls;
  transport: DescribedTransport;
  info: UpstreamInfo;
  /** 0 until the initialize handshake finished. */
  connectedAt: number;
  lost: boolean;
  /** We closed it on purpose; its end is no crash. */
  closing: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** A call that keeps reporting progress may run this many times its timeout, no longer. */
const MAX_TOTAL_FACTOR = 10;

/** An Upstream over any SDK Transport; the stdio, remote and in-memory upstreams are all this class. */
export class ClientUpstream implements Upstream {
  readonly id: string;
  readonly #options: ClientUpstreamOptions;
  readonly #hooks: UpstreamHooks;
  readonly #timeoutMs: number;
  readonly #backoff: RestartBackoff;
  readonly #shutdown = new AbortController();
  readonly #transports = new Set<Transport>();
  #connection: Connection | undefined;
  #connecting: { promise: Promise<Connection>; startsAt: number } | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ClientUpstreamOptions) {
    this.id = options.id;
    this.#options = options;
    this.#hooks = options.hooks ?? {};
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#backoff = new RestartBackoff(options.backoff);
  }

  /** Connects if needed (waiting out a restart backoff) and returns what the server announced. */
  async connect(signal?: AbortSignal): Promise<UpstreamInfo> {
    const connection = await this.#ready('initialize', { signal, deadline: Date.now() + this.#timeoutMs, timeoutMs: this.#timeoutMs });
    return connection.info;
  }

  /** All tools, following nextCursor until the last page (a repeated cursor ends the walk). */
  listTools(options: UpstreamRequestOptions = {}): Promise<Tool[]> {
    return this.#run('tools/list', options, async ({ client }, requestOptions) => {
      const tools: Tool[] = [];
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await client.request(request('tools/list', cursor === undefined ? undefined : { cursor }), LenientToolPageSchema, requestOptions);
        tools.push(...page.tools);
        cursor = page.nextCursor !== undefined && !seen.has(page.nextCursor) ? page.nextCursor : undefined;
        if (cursor !== undefined) seen.add(cursor);
      } while (cursor !== undefined);
      return tools;
    });
  }

  /**
   * Forwards one tool call. Pass progress through `options.onprogress`, not a progressToken in
   * `_meta`: tokens are per connection, and one from the agent would collide with ours.
   */
  callTool(
    params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> },
    options: UpstreamRequestOptions = {},
  ): Promise<CallToolResult> {
    return this.#run('tools/call', options, async (connection, requestOptions) =>
      lenientCallToolResult(
        await connection.direct.request('tools/call', withoutProgressToken(params), {
          ...(requestOptions.signal ? { signal: requestOptions.signal } : {}),
          ...(requestOptions.onprogress ? { onprogress: requestOptions.onprogress } : {}),
        }),
      ),
    );
  }

  /** Forwards any other request unchanged and returns the result object as the upstream sent it. */
  request(method: string, params: Record<string, unknown> | undefined, options: UpstreamRequestOptions = {}): Promise<Record<string, unknown>> {
    return this.#run(method, options, ({ client }, requestOptions) =>
      client.request(request(method, params && withoutProgressToken(params)), LenientResultSchema, requestOptions),
    );
  }

  /** Forwards a notification when connected; a server that is not running has nothing to be told. */
  async notify(method: string, params?: Record<string, unknown>): Promise<void> {
    const connection = this.#connection;
    if (!connection || connection.lost) return;
    try {
      await connection.client.notification({ method, params } as Parameters<Client['notification']>[0]);
    } catch (error) {
      if (connection.lost) return;
      throw unavailableError(`Cannot send "${method}" to upstream "${this.id}": ${messageOf(error)}`, error);
    }
  }

  /** Milliseconds until a new start may begin after a failed start or a crash; 0 when one may begin now. */
  retryInMs(): number {
    return this.#backoff.remainingMs(Date.now());
  }

  /** Closes the connection and its transport (for stdio: the child's whole process group). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#shutdown.abort();
    await this.#connecting?.promise.catch(() => undefined);
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) {
      connection.closing = true;
      // Tell a Streamable HTTP server the session is over rather than leave it to expire.
      await withTimeout(connection.transport.terminateSession?.(), 1000).catch(() => undefined);
      await connection.client.close().catch(() => undefined);
    }
    // Transports of crashed connections may still be ending what their server left behind.
    await Promise.all([...this.#transports].map((transport) => transport.close().catch(() => undefined)));
  }

  async #run<T>(
    method: string,
    options: UpstreamRequestOptions,
    send: (connection: Connection, requestOptions: RequestOptions) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const startedAt = Date.now();
    const connection = await this.#ready(method, { signal: options.signal, deadline: startedAt + timeoutMs, timeoutMs });

    // Our own controller: the SDK reports an abort and its own timeout alike, and never removes
    // the listener it adds to the signal, which would pile up on a long-lived agent signal.
    const call = new AbortController();
    let outcome: WardenError | undefined;
    const stop = (error: WardenError): void => {
      if (call.signal.aborted) return;
      outcome = error;
      call.abort(error.message);
    };
    const onAbort = (): void => stop(cancelledError(this.id, method));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    // The deadline is idle time: progress restarts it, up to MAX_TOTAL_FACTOR times the timeout.
    const maxTotalMs = timeoutMs * MAX_TOTAL_FACTOR;
    let idle = setTimeout(() => stop(timeoutError(this.id, method, timeoutMs)), Math.max(1, startedAt + timeoutMs - Date.now()));
    const total = setTimeout(() => stop(totalTimeoutError(this.id, method, maxTotalMs)), Math.max(1, startedAt + maxTotalMs - Date.now()));
    const { onprogress } = options;
    const requestOptions: RequestOptions = {
      signal: call.signal,
      // Our timers decide; the SDK's (60 s by default) must never fire first.
      timeout: maxTotalMs + 60_000,
      ...(onprogress && {
        onprogress: (progress: Progress) => {
          clearTimeout(idle);
          idle = setTimeout(() => stop(timeoutError(this.id, method, timeoutMs)), timeoutMs);
          onprogress(progress);
        },
      }),
    };
    try {
      return await send(connection, requestOptions);
    } catch (error) {
      throw outcome ?? this.#callError(error, connection, method);
    } finally {
      clearTimeout(idle);
      clearTimeout(total);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The live connection, or one being made (a shared attempt), raced against the caller's signal and deadline. */
  async #ready(method: string, wait: { signal?: AbortSignal; deadline: number; timeoutMs: number }): Promise<Connection> {
    if (this.#closing) throw unavailableError(`Upstream "${this.id}" is closed`);
    if (wait.signal?.aborted) throw cancelledError(this.id, method);
    const live = this.#connection;
    if (live && !live.lost) return live;
    if (!this.#connecting) {
      const delayMs = this.#backoff.remainingMs(Date.now());
      const attempt = { promise: this.#open(delayMs), startsAt: Date.now() + delayMs };
      this.#connecting = attempt;
      const settle = (): void => {
        if (this.#connecting === attempt) this.#connecting = undefined;
      };
      attempt.promise.then(settle, settle);
    }
    const { promise, startsAt } = this.#connecting;
    if (startsAt > wait.deadline) {
      // Waiting would only end in a timeout; say why instead.
      throw unavailableError(
        `Upstream "${this.id}" is restarting after a failure; the next attempt is in ${startsAt - Date.now()} ms, after the deadline of "${method}"`,
      );
    }
    return raceDeadline(promise, wait.signal, wait.deadline, {
      onAbort: () => cancelledError(this.id, method),
      onTimeout: () => timeoutError(this.id, method, wait.timeoutMs),
    });
  }

  async #open(delayMs: number): Promise<Connection> {
    if (delayMs > 0) await sleep(delayMs, this.#shutdown.signal);
    if (this.#shutdown.signal.aborted) throw unavailableError(`Upstream "${this.id}" is closed`);
    let transport: DescribedTransport;
    try {
      transport = new OrderedTransport(await this.#options.connectTransport());
    } catch (error) {
      this.#backoff.recordFailure(Date.now());
      throw this.#startError(error, undefined);
    }
    this.#transports.add(transport);
    const client = new Client(this.#options.clientInfo ?? { name: 'mcp-warden', version: VERSION }, { capabilities: this.#capabilities(), jsonSchemaValidator: noSchemaValidator });
    const connection: Connection = { client, transport, direct: new DirectCalls(transport), info: { capabilities: {} }, connectedAt: 0, lost: false, closing: false };
    this.#wire(connection);
    try {
      await client.connect(transport, { timeout: this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, signal: this.#shutdown.signal });
    } catch (error) {
      connection.closing = true;
      connection.lost = true;
      await transport.close().catch(() => undefined);
      this.#transports.delete(transport);
      if (this.#shutdown.signal.aborted) throw unavailableError(`Upstream "${this.id}" is closed`);
      this.#backoff.recordFailure(Date.now());
      throw this.#startError(error, connection);
    }
    connection.connectedAt = Date.now();
    // After connect: the Client's Protocol installs its own handler then, calling any earlier one first.
    const sdkOnMessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (!connection.direct.take(message)) sdkOnMessage?.(message, extra);
    };
    connection.info = {
      capabilities: client.getServerCapabilities() ?? {},
      ...(client.getServerVersion() && { serverInfo: client.getServerVersion() }),
      ...(client.getInstructions() !== undefined && { instructions: client.getInstructions() }),
    };
    if (connection.lost) {
      this.#backoff.recordFailure(Date.now());
      throw this.#startError(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'), connection);
    }
    this.#connection = connection;
    return connection;
  }

  #capabilities(): ClientCapabilities {
    if (this.#options.capabilities) return this.#options.capabilities;
    return this.#hooks.onRequest ? { elicitation: {}, sampling: {}, roots: { listChanged: true } } : {};
  }

  #wire(connection: Connection): void {
    const { client } = connection;
    client.onclose = () => this.#onLost(connection);
    // While closing, the SDK reports its own aborted streams and requests; that is no news.
    client.onerror = (error) => {
      if (!connection.closing && !this.#closing) this.#options.onError?.(error);
    };
    wireServerTraffic(client, this.#hooks);
  }

  #onLost(connection: Connection): void {
    if (connection.lost) return;
    connection.lost = true;
    connection.direct.close(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'));
    if (this.#connection === connection) this.#connection = undefined;
    if (connection.closing || connection.connectedAt === 0 || this.#closing) return;
    this.#backoff.recordFailure(Date.now(), connection.connectedAt);
    // Let a stdio transport end what the server left behind in its group, then forget it.
    void connection.transport
      .close()
      .catch(() => undefined)
      .finally(() => this.#transports.delete(connection.transport));
    const error = new WardenError('UPSTREAM_EXITED', `Upstream "${this.id}" ${this.#describeLoss(connection)}; it restarts on the next call`);
    try {
      this.#hooks.onDisconnect?.(error);
    } catch (hookError) {
      this.#options.onError?.(hookError instanceof Error ? hookError : new Error(String(hookError)));
    }
  }

  /** Drops a connection that failed under a call without closing itself (an HTTP session gone, a broken pipe). */
  #drop(connection: Connection): void {
    if (connection.lost) return;
    this.#onLost(connection);
    connection.closing = true;
    void connection.client.close().catch(() => undefined);
  }

  #describeLoss(connection: Connection): string {
    const exit = connection.transport.describeExit?.();
    return exit ? `exited (${exit.replace(/^exited with /, '')})` : 'closed the connection';
  }

  #callError(error: unknown, connection: Connection, method: string): WardenError {
    if (isWardenError(error)) return error;
    if (connection.lost) {
      if (connection.closing && this.#closing) return exitedError(this.id, method, 'was closed', error);
      return exitedError(this.id, method, this.#describeLoss(connection), error);
    }
    if (error instanceof McpError) return rpcError(this.id, method, error);
    if (isValidationError(error)) return invalidResultError(this.id, method, error);
    // Anything else failed below JSON-RPC (a write, an HTTP request): this connection is unusable.
    this.#drop(connection);
    return exitedError(this.id, method, `failed (${messageOf(error)})`, error);
  }

  #startError(error: unknown, connection: Connection | undefined): WardenError {
    return startFailure(error, {
      id: this.id,
      verb: this.#options.startVerb ?? 'start',
      target: this.#options.target ?? 'the transport',
      connectTimeoutMs: this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      transport: connection?.transport,
    });
  }
}

function request(method: string, params: Record<string, unknown> | undefined): ClientRequest {
  return (params === undefined ? { method } : { method, params }) as ClientRequest;
}

/** The SDK sets its own progressToken when asked to report progress; a caller's must not leak through. */
function withoutProgressToken<P extends { _meta?: Record<string, unknown> }>(params: P): P {
  const meta = params._meta;
  if (!meta || !('progressToken' in meta)) return params;
  const { progressToken: _dropped, ...rest } = meta;
  return { ...params, _meta: rest };
}

function isValidationError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ZodError' || error.name === '$ZodError' || 'issues' in error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
