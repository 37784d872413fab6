// Serves tools/call beside the SDK Server rather than through it. Every message that reaches the SDK
// Protocol is run through up to four zod guards (is it a response? an error? a request? a task?),
// and a failing zod parse builds an error object: measured, that was the largest single cost of a
// proxied call after the pipe writes. A tools/call, the one message on the hot path, is taken here
// instead and handed to the same enforcement (session.callTool → enforceCall); everything else,
// initialize included, goes to the Server unchanged.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type JSONRPCMessage, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { GatewaySession } from '../gateway/session.js';
import type { CallContext } from '../gateway/types.js';
import { nestsTooDeep, tooDeepError } from './deep-messages.js';
import { callFailure } from './to-response.js';

type JsonObject = Record<string, unknown>;
type RequestId = string | number;

/**
 * A front transport that can be told a request will get no answer (the agent cancelled it; MCP says
 * the receiver then sends none), so it stops waiting: an HTTP POST is ended, an id is free again.
 */
export interface AbandoningTransport extends Transport {
  abandon?(requestId: RequestId): void;
}

/** Results of requests we relay are checked by whoever asked, not by us. */
const AnyResult = z.looseObject({});

export class ToolCallRouter implements Transport {
  readonly #inner: AbandoningTransport;
  readonly #session: GatewaySession;
  readonly #server: Server;
  readonly #log: (message: string) => void;
  /** Calls being served here, by the agent's request id, so the agent can cancel them. */
  readonly #calls = new Map<RequestId, AbortController>();
  onmessage?: Transport['onmessage'];
  onclose?: Transport['onclose'];
  onerror?: Transport['onerror'];

  constructor(inner: AbandoningTransport, session: GatewaySession, server: Server, log: (message: string) => void) {
    this.#inner = inner;
    this.#session = session;
    this.#server = server;
    this.#log = log;
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  async start(): Promise<void> {
    // The front may have set its own handlers before connecting: keep them, as the SDK does.
    const frontOnClose = this.#inner.onclose;
    const frontOnError = this.#inner.onerror;
    this.#inner.onmessage = (message, extra) => this.#route(message, extra);
    this.#inner.onerror = (error) => {
      frontOnError?.(error);
      this.onerror?.(error);
    };
    this.#inner.onclose = () => {
      for (const call of this.#calls.values()) call.abort(new Error('The agent disconnected'));
      this.#calls.clear();
      frontOnClose?.();
      this.onclose?.();
    };
    await this.#inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.#inner.send(message, options);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #route(message: JSONRPCMessage, extra: Parameters<NonNullable<Transport['onmessage']>>[1]): void {
    const call = 'method' in message && message.method === 'tools/call' && 'id' in message;
    if (!call && nestsTooDeep(message)) return this.#refuseDeep(message, extra);
    if ('method' in message) {
      if (call) return this.#call(message as JSONRPCRequest);
      if (message.method === 'notifications/cancelled' && !('id' in message)) {
        const { requestId, reason } = (message.params ?? {}) as JsonObject;
        if (typeof requestId === 'string' || typeof requestId === 'number') {
          const call = this.#calls.get(requestId);
          if (call) {
            // Ours: aborted here, never answered, so the front stops waiting for an answer.
            this.#inner.abandon?.(requestId);
            call.abort(typeof reason === 'string' ? reason : 'Cancelled by the agent');
            return;
          }
          // The Server's: it aborts the request (and sends no answer) only for a truthy id and a
          // string reason, else the request runs on and answers. Free the id only when no answer will
          // come, or a later request reusing it would be sent the old one's answer.
          if (requestId && (reason === undefined || typeof reason === 'string')) this.#inner.abandon?.(requestId);
        }
      }
    }
    this.onmessage?.(message, extra);
  }

  /** A request gets an error; the agent's answer becomes one, so the upstream that asked is not left waiting. */
  #refuseDeep(message: JSONRPCMessage, extra: Parameters<NonNullable<Transport['onmessage']>>[1]): void {
    const id = 'id' in message ? message.id : undefined;
    if (id === undefined) return this.#log('Dropped a notification from the agent nested too deep');
    if ('method' in message) {
      void this.#inner.send(tooDeepError(id, 'request')).catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
      return;
    }
    this.onmessage?.(tooDeepError(id, 'answer'), extra);
  }

  #call(request: JSONRPCRequest): void {
    const { id } = request;
    const controller = new AbortController();
    this.#calls.set(id, controller);
    void this.#answer(request, controller)
      .catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        if (this.#calls.get(id) === controller) this.#calls.delete(id);
      });
  }

  async #answer(request: JSONRPCRequest, controller: AbortController): Promise<void> {
    const { id } = request;
    let response: JSONRPCMessage;
    try {
      const params = callParams(request.params);
      const result = await this.#session.callTool(params, this.#context(id, params._meta, controller.signal));
      response = { jsonrpc: '2.0', id, result };
    } catch (error) {
      response = this.#failure(id, error);
    }
    // As the SDK does: a cancelled request gets no answer.
    if (controller.signal.aborted) return;
    await this.#inner.send(response);
  }

  #failure(id: RequestId, error: unknown): JSONRPCMessage {
    try {
      return { jsonrpc: '2.0', id, result: callFailure(error, this.#log) };
    } catch (converted) {
      const rpc = converted instanceof McpError ? converted : new McpError(ErrorCode.InternalError, 'Internal error in mcp-warden');
      return { jsonrpc: '2.0', id, error: { code: rpc.code, message: rpc.message, ...(rpc.data !== undefined ? { data: rpc.data } : {}) } };
    }
  }

  #context(id: RequestId, meta: JsonObject | undefined, signal: AbortSignal): CallContext {
    const token = meta?.progressToken;
    return {
      signal,
      ...(typeof token === 'string' || typeof token === 'number' ? { progressToken: token } : {}),
      sendNotification: async (method, params) => {
        if (signal.aborted) return;
        await this.#inner.send({ jsonrpc: '2.0', method, ...(params ? { params } : {}) }, { relatedRequestId: id });
      },
      sendRequest: async (method, params, options) => {
        if (signal.aborted) throw new McpError(ErrorCode.ConnectionClosed, 'The call was cancelled by the agent');
        return this.#server.request({ method, ...(params ? { params } : {}) } as never, AnyResult, {
          relatedRequestId: id,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
        });
      },
    };
  }
}

/** The parameters of a tools/call the pipeline relies on; anything else is refused before it runs. */
export function callParams(params: unknown): { name: string; arguments?: unknown; _meta?: JsonObject } {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params must be an object');
  const { name, arguments: args, _meta: meta } = params as JsonObject;
  if (typeof name !== 'string') throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params.name must be a string');
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) {
    throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params._meta must be an object');
  }
  return { name, ...(args !== undefined ? { arguments: args } : {}), ...(meta !== undefined ? { _meta: meta as JsonObject } : {}) };
}
