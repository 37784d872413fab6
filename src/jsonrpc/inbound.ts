// One request from the other side while its handler runs. Its AbortController is made only when the
// handler asks for the signal: most requests are answered without anyone looking at it.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { InboundRequest, JsonObject, OutboundOptions, RequestId } from './types.js';

/** What an InboundCall needs of its Peer. */
export interface InboundOwner {
  notify(method: string, params: JsonObject | undefined, options: { relatedRequestId: RequestId }): Promise<void>;
  request(method: string, params: JsonObject | undefined, options: OutboundOptions): Promise<JsonObject>;
}

export class InboundCall implements InboundRequest {
  readonly id: RequestId;
  readonly method: string;
  readonly params: JsonObject | undefined;
  readonly progressToken?: RequestId;
  readonly #owner: InboundOwner;
  #controller: AbortController | undefined;
  /** Set when aborted before anyone asked for the signal. */
  #abortReason: unknown;
  #aborted = false;

  constructor(owner: InboundOwner, id: RequestId, method: string, params: JsonObject | undefined) {
    this.#owner = owner;
    this.id = id;
    this.method = method;
    this.params = params;
    const meta = params?._meta as JsonObject | undefined;
    const token = meta?.progressToken;
    if (typeof token === 'string' || typeof token === 'number') this.progressToken = token;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Cancelled by the other side or the connection closed: no answer will be sent. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  async notify(method: string, params?: JsonObject): Promise<void> {
    if (this.#aborted) return;
    await this.#owner.notify(method, params, { relatedRequestId: this.id });
  }

  async request(method: string, params: JsonObject | undefined, options: OutboundOptions = {}): Promise<JsonObject> {
    if (this.#aborted) throw new McpError(ErrorCode.ConnectionClosed, 'The request was cancelled');
    return this.#owner.request(method, params, { ...options, relatedRequestId: this.id });
  }
}
