// What the session sees of one agent request (CallContext), read straight from the Peer's
// InboundRequest: no closures per request, the abort signal made only if someone asks for it.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { InboundRequest, JsonObject } from '../jsonrpc/types.js';
import type { CallContext } from '../gateway/types.js';
import { askAgent } from './deep-messages.js';

export class RequestContext implements CallContext {
  readonly #request: InboundRequest;
  readonly progressToken?: string | number;

  constructor(request: InboundRequest) {
    this.#request = request;
    if (request.progressToken !== undefined) this.progressToken = request.progressToken;
  }

  get signal(): AbortSignal {
    return this.#request.signal;
  }

  /** Related to this request (on HTTP, its stream); dropped once the agent cancelled it. */
  sendNotification(method: string, params?: JsonObject): Promise<void> {
    return this.#request.notify(method, params);
  }

  /** Related to this request; `timeoutMs` replaces the 60 s default. */
  async sendRequest(method: string, params: JsonObject | undefined, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<JsonObject> {
    if (this.#request.signal.aborted) throw new McpError(ErrorCode.ConnectionClosed, 'The call was cancelled by the agent');
    return askAgent(this.#request.request(method, params, {
      ...(options.signal && { signal: options.signal }),
      ...(options.timeoutMs && { timeoutMs: options.timeoutMs }),
    }));
  }
}
