// One JSON-RPC endpoint over an SDK-shaped Transport: the only place where requests and answers are
// matched. It holds one id table per direction, cancellation both ways, progress for our own requests
// with deadline resets, and what happens on close. Handlers get an InboundRequest and return a result
// or throw; `toRpcError` is the one conversion of a throw into an error answer.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { InboundCall, type InboundOwner } from './inbound.js';
import { DEFAULT_TIMEOUT_MS, Outbound, type OutboundOwner } from './outbound.js';
import { aborted as abortError, connectionClosed, fromErrorAnswer } from './rpc-error.js';
import type { JsonObject, OutboundOptions, PeerOptions, PeerTransport, RequestId, RpcErrorShape } from './types.js';

/** JSON-RPC's Invalid Request: a duplicate id in flight. */
const INVALID_REQUEST = -32600;
/** What a cancel with no readable reason aborts with. */
const DEFAULT_CANCEL_REASON = 'Cancelled by the other side';

export class Peer implements InboundOwner, OutboundOwner {
  readonly #transport: PeerTransport;
  readonly #options: PeerOptions;
  readonly #idPrefix: string | undefined;
  /** Requests of the other side whose handler runs, by their id. */
  readonly #inbound = new Map<RequestId, InboundCall>();
  /** Our requests waiting for an answer, by our id. */
  readonly #outbound = new Map<RequestId, Outbound>();
  /** Our progress tokens in flight, for requests made with `onprogress`. */
  readonly #progress = new Map<RequestId, Outbound>();
  #nextId = 0;
  #closed = false;
  /** Called once the connection is closed and every table is emptied. */
  onclose?: () => void;
  readonly #reportError = (error: unknown): void => this.#error(error instanceof Error ? error : new Error(String(error)));

  constructor(transport: PeerTransport, options: PeerOptions) {
    this.#transport = transport;
    this.#options = options;
    this.#idPrefix = options.idPrefix;
  }

  /** Requests in flight in both directions (handlers running plus our requests waiting). */
  get inFlight(): number {
    return this.#inbound.size + this.#outbound.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Takes over the transport's callbacks and starts it; call once, before any message is expected. */
  async start(): Promise<void> {
    const transport = this.#transport;
    transport.onmessage = (message) => this.receive(message);
    transport.onclose = () => this.#onclose();
    transport.onerror = (error) => this.#error(error);
    await transport.start();
  }

  /** Handles one message from the other side (what the transport's onmessage calls); never throws. */
  receive(message: JSONRPCMessage): void {
    if (this.#closed) return;
    if (typeof message !== 'object' || message === null) return this.#error(new Error('Received a message that is not an object'));
    const record = message as { id?: unknown; method?: unknown; params?: unknown };
    if (typeof record.method === 'string') {
      // Params are the handler's to judge: the transports' shape check (jsonrpc-shape) makes them an
      // object, and a handler that is handed anything else refuses it with its own message.
      const params = record.params as JsonObject | undefined;
      if ('id' in record) {
        if (!isId(record.id)) return this.#malformed(message);
        return this.#onRequest(record.id, record.method, params);
      }
      return this.#onNotification(record.method, params);
    }
    if ('method' in record || !('result' in record || 'error' in record)) return this.#malformed(message);
    this.#onResponse(message as { id?: unknown; result?: unknown; error?: unknown });
  }

  /** Sends a request; resolves with the result object, rejects with an RpcError (see rpc-error.ts). */
  request(method: string, params: JsonObject | undefined, options: OutboundOptions = {}): Promise<JsonObject> {
    if (this.#closed) return Promise.reject(connectionClosed());
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    const id: RequestId = this.#idPrefix === undefined ? this.#nextId++ : `${this.#idPrefix}${this.#nextId++}`;
    const entry = new Outbound(this, id, options.relatedRequestId);
    let sentParams = params;
    if (options.onprogress) {
      const token = this.#freshToken(id, params);
      entry.progressToken = token;
      entry.onprogress = options.onprogress;
      this.#progress.set(token, entry);
      sentParams = { ...params, _meta: { ...(params?._meta as JsonObject | undefined), progressToken: token } };
    }
    this.#outbound.set(id, entry);
    entry.startTimer(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.resetTimeoutOnProgress === true, options.maxTotalTimeoutMs);
    if (signal) entry.watch(signal, options.cancelReason);
    const message = (sentParams === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params: sentParams }) as JSONRPCMessage;
    // An async wrapper so a transport that throws synchronously rejects `sent` with the very same error.
    const sent = (async () =>
      this.#transport.send(message, options.relatedRequestId === undefined ? undefined : { relatedRequestId: options.relatedRequestId }))();
    sent.catch((error: unknown) => {
      // Never reached the other side: nothing to cancel there.
      if (this.#forget(entry)) entry.reject(error);
    });
    return entry.promise;
  }

  /** Sends a notification; after close it is dropped. */
  async notify(method: string, params?: JsonObject, options?: { relatedRequestId?: RequestId }): Promise<void> {
    if (this.#closed) return;
    const message = (params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params }) as JSONRPCMessage;
    await this.#transport.send(message, options?.relatedRequestId === undefined ? undefined : { relatedRequestId: options.relatedRequestId });
  }

  /** Closes the transport; its onclose empties the tables (see #onclose). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#transport.close();
    } finally {
      // A transport that does not report its own close, or fails to close, still leaves the Peer closed.
      this.#onclose();
    }
  }

  /** OutboundOwner: our request ends without an answer (timeout, abort): tell the other side, reject. */
  cancel(entry: Outbound, error: Error, reason: string = String(error)): void {
    if (!this.#forget(entry)) return;
    entry.reject(error);
    if (this.#closed) return;
    const params = { requestId: entry.id, reason };
    this.#transport
      .send({ jsonrpc: '2.0', method: 'notifications/cancelled', params }, entry.relatedRequestId === undefined ? undefined : { relatedRequestId: entry.relatedRequestId })
      .catch(this.#reportError);
  }

  #onRequest(id: RequestId, method: string, params: JsonObject | undefined): void {
    if (this.#inbound.has(id)) {
      // The first request keeps its answer; this one is refused under the same id, as JSON-RPC must.
      const error = { code: INVALID_REQUEST, message: `Duplicate request id "${String(id)}" is still in flight` };
      this.#transport.send({ jsonrpc: '2.0', id, error }).catch(this.#reportError);
      return;
    }
    const call = new InboundCall(this, id, method, params);
    this.#inbound.set(id, call);
    this.#serve(call).catch(this.#reportError);
  }

  async #serve(call: InboundCall): Promise<void> {
    let message: JSONRPCMessage;
    try {
      const result = await this.#options.onRequest(call);
      message = { jsonrpc: '2.0', id: call.id, result };
    } catch (error) {
      message = { jsonrpc: '2.0', id: call.id, error: this.#toRpcError(error) };
    }
    // Cancelled or closed: no answer (MCP: the receiver of a cancel sends none), and the id is already free.
    if (call.aborted || this.#inbound.get(call.id) !== call) return;
    // Freed before the send: the other side may reuse the id as soon as it reads the answer.
    this.#inbound.delete(call.id);
    await this.#transport.send(message);
  }

  #toRpcError(error: unknown): RpcErrorShape {
    try {
      return this.#options.toRpcError(error);
    } catch (failure) {
      this.#reportError(failure);
      return { code: -32603, message: 'Internal error' };
    }
  }

  #onNotification(method: string, params: JsonObject | undefined): void {
    if (method === 'notifications/cancelled') return this.#onCancelled(params);
    if (method === 'notifications/progress') {
      const token = params?.progressToken;
      const entry = isId(token) ? this.#progress.get(token) : undefined;
      if (entry) return entry.progress(params!);
    }
    try {
      this.#options.onNotification?.(method, params);
    } catch (error) {
      this.#reportError(error);
    }
  }

  /** The other side cancels one of its requests: abort the handler, free the id, send no answer. */
  #onCancelled(params: JsonObject | undefined): void {
    const requestId = params?.requestId;
    if (!isId(requestId)) return;
    const call = this.#inbound.get(requestId);
    if (!call) return;
    this.#inbound.delete(requestId);
    this.#transport.abandon?.(requestId);
    const reason = params?.reason;
    call.abort(typeof reason === 'string' ? reason : DEFAULT_CANCEL_REASON);
  }

  #onResponse(message: { id?: unknown; result?: unknown; error?: unknown }): void {
    const entry = isId(message.id) ? this.#outbound.get(message.id) : undefined;
    if (!entry) return this.#error(new Error(`Received an answer that matches no request in flight (id ${JSON.stringify(message.id)})`));
    this.#forget(entry);
    if ('result' in message) {
      if (isObject(message.result)) entry.resolve(message.result);
      else entry.reject(new InvalidAnswerError(`The answer to request ${JSON.stringify(entry.id)} has a result that is not an object`));
      return;
    }
    const error = message.error as Partial<RpcErrorShape> | undefined;
    entry.reject(markAnswer(fromErrorAnswer({ code: typeof error?.code === 'number' ? error.code : -32603, message: typeof error?.message === 'string' ? error.message : 'Unknown error', data: error?.data })));
  }

  /** Removes an outbound request from the tables; false when it was already gone. */
  #forget(entry: Outbound): boolean {
    if (this.#outbound.get(entry.id) !== entry) return false;
    this.#outbound.delete(entry.id);
    if (entry.progressToken !== undefined) this.#progress.delete(entry.progressToken);
    return true;
  }

  /** Our progress token: the request id, unless the caller's params already carry that token. */
  #freshToken(id: RequestId, params: JsonObject | undefined): RequestId {
    const theirs = (params?._meta as JsonObject | undefined)?.progressToken;
    let token: RequestId = id;
    for (let n = 0; token === theirs || this.#progress.has(token); n += 1) token = `${String(id)}~${n}`;
    return token;
  }

  #onclose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const closed = connectionClosed();
    for (const entry of this.#outbound.values()) entry.reject(closed);
    this.#outbound.clear();
    this.#progress.clear();
    for (const call of this.#inbound.values()) call.abort(closed);
    this.#inbound.clear();
    this.onclose?.();
  }

  #malformed(message: unknown): void {
    this.#error(new Error(`Received a malformed JSON-RPC message: ${safeJson(message)}`));
  }

  #error(error: Error): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // A failing error handler must not take the connection down with it; there is no one else to tell.
    }
  }
}

/** A request's answer whose result is not an object: the other side did answer, with nothing usable. */
export class InvalidAnswerError extends Error {
  override readonly name = 'InvalidAnswerError';
}

/** The rejections made from the other side's error answers; marked by identity, so no answer can imitate the Peer's own. */
const errorAnswers = new WeakSet<object>();

function markAnswer<E extends Error>(error: E): E {
  errorAnswers.add(error);
  return error;
}

/**
 * True when a request was rejected with the other side's error answer, false for the Peer's own
 * rejections (its deadlines, an abort, the close) and a failed send, which may carry the same codes.
 */
export function isErrorAnswer(error: unknown): boolean {
  return typeof error === 'object' && error !== null && errorAnswers.has(error);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is RequestId {
  return typeof value === 'string' || typeof value === 'number';
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}
