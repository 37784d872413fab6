// The contract of the message core: what a request handler is given, what an outbound request may
// ask for, and what a Peer is built from. Both the agent-facing front and the upstreams speak it.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export type RequestId = string | number;
export type JsonObject = Record<string, unknown>;

/** A JSON-RPC error object as it goes on the wire. */
export interface RpcErrorShape {
  code: number;
  message: string;
  data?: unknown;
}

/** A request from the other side, as a request handler gets it. */
export interface InboundRequest {
  readonly id: RequestId;
  readonly method: string;
  /** As sent: an object or undefined after the transports' shape check (jsonrpc-shape); handlers check what they rely on. */
  readonly params: JsonObject | undefined;
  /** Aborted by `notifications/cancelled` from the other side, or when the connection closes. */
  readonly signal: AbortSignal;
  /** `params._meta.progressToken` when it is a string or number. */
  readonly progressToken?: RequestId;
  /** Sends a notification related to this request (HTTP: on its stream); a no-op once aborted. */
  notify(method: string, params?: JsonObject): Promise<void>;
  /** Sends a request related to this request; rejects at once when this request was aborted. */
  request(method: string, params: JsonObject | undefined, options?: OutboundOptions): Promise<JsonObject>;
}

export interface OutboundOptions {
  /** Aborting it sends `notifications/cancelled` and rejects with the abort reason (an RpcError). */
  signal?: AbortSignal;
  /** The reason sent (and rejected with) when `signal` aborts, instead of the signal's own reason. */
  cancelReason?: string;
  /** Rejects with RequestTimeout (and cancels) after this long; default 60 s as the SDK; Infinity for none. */
  timeoutMs?: number;
  /** Each progress notification for this request restarts the `timeoutMs` timer. */
  resetTimeoutOnProgress?: boolean;
  /** With `resetTimeoutOnProgress`: the cap on the whole wait, however much progress arrives. */
  maxTotalTimeoutMs?: number;
  /** Given: the request carries a progress token of ours, and the other side's progress comes here (token removed). */
  onprogress?: (progress: JsonObject) => void;
  /** The inbound request this one is made on behalf of (the transport routes it with that one). */
  relatedRequestId?: RequestId;
}

export interface PeerOptions {
  /** Serves one request: the result object, or a throw that `toRpcError` turns into the error answer. */
  onRequest(request: InboundRequest): Promise<JsonObject>;
  /** Notifications other than cancellation and progress for our own requests, which the Peer handles. */
  onNotification?(method: string, params: JsonObject | undefined): void;
  /** The one conversion of a thrown error into a JSON-RPC error answer. */
  toRpcError(error: unknown): RpcErrorShape;
  /** Problems that have no one to answer: malformed messages, stray responses, failed sends. */
  onError?(error: Error): void;
  /** Outbound ids are `${idPrefix}${n}` strings when given, else numbers counting from 0. */
  idPrefix?: string;
}

/**
 * An SDK transport, optionally told that a request will get no answer (cancelled by the other side),
 * so it can stop waiting for one (HTTP ends the POST that carried it).
 */
export interface PeerTransport extends Transport {
  abandon?(requestId: RequestId): void;
}
