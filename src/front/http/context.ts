// What one HTTP request carries through the guard chain. One object per request with every field
// set up front, so that every request has the same shape and the guards stay monomorphic.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InitializeRequest, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { SessionEndpoint } from './endpoint.js';

const NO_MESSAGES: readonly JSONRPCMessage[] = Object.freeze([]);

export class HttpContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The URL's path, without its query. */
  readonly path: string;
  /** Position of the guard that runs now; compose.ts's own bookkeeping. */
  cursor = -1;
  /** The agent the bearer token names (set by the auth guard). */
  agent = '';
  /** The Mcp-Session-Id header, if any. */
  sessionId: string | undefined = undefined;
  /** The JSON-RPC messages of a POST body (set by the body guard). */
  messages: readonly JSONRPCMessage[] = NO_MESSAGES;
  /** The POST's initialize request, if it carries one (set by the body guard). */
  initialize: JSONRPCMessage | undefined = undefined;
  /** The params of that initialize, when it opens a session (set by the initialize guard). */
  initializeParams: InitializeRequest['params'] | undefined = undefined;
  /** The agent's own session named by Mcp-Session-Id (set by the session lookup guards). */
  endpoint: SessionEndpoint | undefined = undefined;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.req = req;
    this.res = res;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    this.path = query === -1 ? url : url.slice(0, query);
  }
}

/** The first value of request header `name` (lower case). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
