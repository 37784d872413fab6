// Requests to an upstream written straight onto its transport, beside the SDK Client. The Client's
// Protocol runs each response through zod guards and its result schema and keeps a timer and an
// abort listener of its own per request; measured, that was a fifth of the gateway's CPU per tool
// call. Direct requests use string ids ("warden-N") and their own progress tokens, so they can never
// be mistaken for the Client's numeric ones; the Client still does the handshake, answers the
// server's requests and sees every other message.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError, type JSONRPCMessage, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { WardenError } from '../errors.js';
import { isRefusedAnswer } from './refused-answer.js';

type JsonObject = Record<string, unknown>;

interface Pending {
  resolve(result: JsonObject): void;
  reject(error: unknown): void;
  onprogress?: (progress: Progress) => void;
}

export interface DirectRequestOptions {
  signal?: AbortSignal;
  onprogress?: (progress: Progress) => void;
}

export class DirectCalls {
  readonly #transport: Transport;
  readonly #pending = new Map<string, Pending>();
  #next = 0;
  #closed: unknown;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Takes the messages that answer or report on a direct request; false for everything else. */
  take(message: JSONRPCMessage): boolean {
    if ('method' in message) {
      if (message.method !== 'notifications/progress') return false;
      const params = message.params as JsonObject | undefined;
      const token = params?.progressToken;
      const pending = typeof token === 'string' ? this.#pending.get(token) : undefined;
      if (!pending) return false;
      if (typeof params!.progress === 'number') pending.onprogress?.(params as unknown as Progress);
      return true;
    }
    if (!('id' in message) || typeof message.id !== 'string') return false;
    const pending = this.#pending.get(message.id);
    if (!pending) return false;
    this.#pending.delete(message.id);
    if (isRefusedAnswer(message) && 'error' in message) {
      // The transport would not read the answer (max_result_bytes, invalid UTF-8): a failed call the agent can read.
      pending.reject(new WardenError('UPSTREAM_ANSWER_REFUSED', message.error.message));
    } else if ('error' in message) {
      const { code, message: text, data } = message.error;
      pending.reject(McpError.fromError(code, text, data));
    } else if ('result' in message) {
      pending.resolve(message.result as JsonObject);
    }
    return true;
  }

  /** Sends one request and resolves with its result object; an abort sends notifications/cancelled. */
  request(method: string, params: JsonObject, options: DirectRequestOptions = {}): Promise<JsonObject> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    const { signal, onprogress } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#next += 1;
    const id = `warden-${this.#next}`;
    const sent = onprogress ? { ...params, _meta: { ...(params._meta as JsonObject | undefined), progressToken: id } } : params;
    return new Promise<JsonObject>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.#pending.delete(id)) return;
        this.#transport
          .send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(signal!.reason ?? 'cancelled') } })
          .catch(() => {});
        reject(signal!.reason);
      };
      const settle = <T>(done: (value: T) => void) => (value: T): void => {
        signal?.removeEventListener('abort', onAbort);
        done(value);
      };
      this.#pending.set(id, { resolve: settle(resolve), reject: settle(reject), ...(onprogress ? { onprogress } : {}) });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#transport.send({ jsonrpc: '2.0', id, method, params: sent }).catch((error: unknown) => {
        const pending = this.#pending.get(id);
        if (!pending) return;
        this.#pending.delete(id);
        pending.reject(error);
      });
    });
  }

  /** Fails every request in flight and any later one with `error` (the connection is gone). */
  close(error: unknown): void {
    this.#closed ??= error;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) entry.reject(error);
  }
}
