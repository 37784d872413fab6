// One upstream connection on our own JSON-RPC Peer, whatever the transport: lazy connect shared by
// concurrent callers, per-call deadlines, server→client traffic handed to hooks, restart with backoff.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type CallToolResult, type ClientCapabilities, type Implementation, type Progress, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { Peer, type JsonObject, type OutboundOptions } from '../jsonrpc/index.js';
import { WardenError } from '../errors.js';
import { VERSION } from '../version.js';
import type { DescribedTransport } from './described-transport.js';
import { lenientCallToolResult, lenientResult, lenientToolPage } from './lenient-results.js';
import { initialize, serverTraffic } from './mcp-client.js';
import { requestFailure, type CallLimits } from './request-failure.js';
import { RestartBackoff, type BackoffOptions } from './restart-backoff.js';
import { raceDeadline, sleep, withTimeout } from './deadline.js';
import { startFailure } from './start-failure.js';
import type { Upstream, UpstreamHooks, UpstreamInfo, UpstreamRequestOptions } from './types.js';
import { cancelledError, cancelledText, exitedError, timeoutError, unavailableError } from './upstream-errors.js';

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
  peer: Peer;
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
  async listTools(options: UpstreamRequestOptions = {}): Promise<Tool[]> {
    const tools: Tool[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = lenientToolPage(await this.#run('tools/list', cursor === undefined ? undefined : { cursor }, options));
      tools.push(...page.tools);
      cursor = page.nextCursor !== undefined && !seen.has(page.nextCursor) ? page.nextCursor : undefined;
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined);
    return tools;
  }

  /**
   * Forwards one tool call. Pass progress through `options.onprogress`, not a progressToken in
   * `_meta`: tokens are per connection, and one from the agent would collide with ours.
   */
  async callTool(
    params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> },
    options: UpstreamRequestOptions = {},
  ): Promise<CallToolResult> {
    return lenientCallToolResult(await this.#run('tools/call', withoutProgressToken(params), options));
  }

  /** Forwards any other request unchanged and returns the result object as the upstream sent it. */
  async request(method: string, params: Record<string, unknown> | undefined, options: UpstreamRequestOptions = {}): Promise<Record<string, unknown>> {
    return lenientResult(await this.#run(method, params && withoutProgressToken(params), options));
  }

  /** Forwards a notification when connected; a server that is not running has nothing to be told. */
  async notify(method: string, params?: Record<string, unknown>): Promise<void> {
    const connection = this.#connection;
    if (!connection || connection.lost) return;
    // As the SDK Client did: roots changes are announced only to a server told we would announce them.
    if (method === 'notifications/roots/list_changed' && !this.#capabilities().roots?.listChanged) {
      throw unavailableError(`Cannot send "${method}" to upstream "${this.id}": roots/list_changed was not announced to it`);
    }
    try {
      await connection.peer.notify(method, params);
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
    // A failed attempt has been reported to its callers already; here only its end matters.
    await this.#connecting?.promise.catch(() => undefined);
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) {
      connection.closing = true;
      // Tell a Streamable HTTP server the session is over rather than leave it to expire; a server
      // that does not answer in time, or refuses, changes nothing about our close.
      await withTimeout(connection.transport.terminateSession?.(), 1000).catch(() => undefined);
      // The transport's own close errors say nothing we could act on while shutting down.
      await connection.peer.close().catch(() => undefined);
    }
    // Transports of crashed connections may still be ending what their server left behind.
    await Promise.all([...this.#transports].map((transport) => transport.close().catch(() => undefined)));
  }

  /** Sends one request on the live (or a new) connection and turns every way it can fail into a WardenError. */
  async #run(method: string, params: JsonObject | undefined, options: UpstreamRequestOptions): Promise<JsonObject> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const startedAt = Date.now();
    // The live connection at once (the hot path); otherwise wait for one within the call's deadline.
    const live = this.#connection;
    const connection =
      live && !live.lost && !this.#closing && !options.signal?.aborted
        ? live
        : await this.#ready(method, { signal: options.signal, deadline: startedAt + timeoutMs, timeoutMs });
    // The deadline counts from the call, so time spent connecting is taken off the first wait (and,
    // with progress, off each later one too: stricter by the connect time, never looser).
    const waited = Date.now() - startedAt;
    const requestOptions: OutboundOptions = { timeoutMs: Math.max(1, timeoutMs - waited) };
    const outer = options.signal;
    if (outer) {
      if (outer.aborted) throw cancelledError(this.id, method);
      requestOptions.signal = outer;
      // The server is told that this call was cancelled in our words, never the caller's reason (which
      // may say things about the agent). One string per call, where there was an AbortController.
      requestOptions.cancelReason = cancelledText(this.id, method);
    }
    const { onprogress } = options;
    if (onprogress) {
      // The deadline is idle time: progress restarts it, up to MAX_TOTAL_FACTOR times the timeout.
      requestOptions.resetTimeoutOnProgress = true;
      requestOptions.maxTotalTimeoutMs = Math.max(1, timeoutMs * MAX_TOTAL_FACTOR - waited);
      requestOptions.onprogress = (progress: JsonObject) => {
        if (typeof progress.progress === 'number') onprogress(progress as Progress);
      };
    }
    try {
      return await connection.peer.request(method, params, requestOptions);
    } catch (error) {
      throw this.#callError(error, connection, { method, signal: outer, timeoutMs, maxTotalMs: timeoutMs * MAX_TOTAL_FACTOR });
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
      transport = await this.#options.connectTransport();
    } catch (error) {
      this.#backoff.recordFailure(Date.now());
      throw this.#startError(error, undefined);
    }
    this.#transports.add(transport);
    const peer = new Peer(
      transport,
      serverTraffic(this.#hooks, (error) => {
        // While closing, the transport reports its own aborted streams and requests; that is no news.
        if (!connection.closing && !this.#closing) this.#options.onError?.(error);
      }),
    );
    const connection: Connection = { peer, transport, info: { capabilities: {} }, connectedAt: 0, lost: false, closing: false };
    peer.onclose = () => this.#onLost(connection);
    const connectTimeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    try {
      await peer.start();
      connection.info = await initialize(peer, transport, {
        capabilities: this.#capabilities(),
        clientInfo: this.#options.clientInfo ?? { name: 'mcp-warden', version: VERSION },
        timeoutMs: connectTimeoutMs,
        signal: this.#shutdown.signal,
      });
    } catch (error) {
      connection.closing = true;
      connection.lost = true;
      // The attempt failed already; how its transport ends adds nothing to that.
      await peer.close().catch(() => undefined);
      this.#transports.delete(transport);
      if (this.#shutdown.signal.aborted) throw unavailableError(`Upstream "${this.id}" is closed`);
      this.#backoff.recordFailure(Date.now());
      throw this.#startError(error, connection);
    }
    connection.connectedAt = Date.now();
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

  #onLost(connection: Connection): void {
    if (connection.lost) return;
    connection.lost = true;
    if (this.#connection === connection) this.#connection = undefined;
    if (connection.closing || connection.connectedAt === 0 || this.#closing) return;
    this.#backoff.recordFailure(Date.now(), connection.connectedAt);
    // Let a stdio transport end what the server left behind in its group, then forget it; the server
    // is gone already, so a failure to end it has no one to tell.
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
    // Closing a connection that just failed: whatever its close says, it is gone.
    void connection.peer.close().catch(() => undefined);
  }

  #describeLoss(connection: Connection): string {
    const exit = connection.transport.describeExit?.();
    return exit ? `exited (${exit.replace(/^exited with /, '')})` : 'closed the connection';
  }

  /** What a failed request tells the gateway: its own failure, or the connection gone with it. */
  #callError(error: unknown, connection: Connection, call: CallLimits): WardenError {
    const named = requestFailure(this.id, error, call);
    if (named) return named;
    if (connection.lost) {
      if (connection.closing && this.#closing) return exitedError(this.id, call.method, 'was closed', error);
      return exitedError(this.id, call.method, this.#describeLoss(connection), error);
    }
    // Anything else failed below JSON-RPC (a write, an HTTP request): this connection is unusable.
    this.#drop(connection);
    return exitedError(this.id, call.method, `failed (${messageOf(error)})`, error);
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

/** Our progress token replaces any the caller put in `_meta`; the caller's must not leak through. */
function withoutProgressToken<P extends { _meta?: Record<string, unknown> }>(params: P): P {
  const meta = params._meta;
  if (!meta || !('progressToken' in meta)) return params;
  const { progressToken: _dropped, ...rest } = meta;
  return { ...params, _meta: rest };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
