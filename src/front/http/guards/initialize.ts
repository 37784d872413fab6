// A POST that names no session opens one: it must be an initialize request with params, alone.
import type { InitializeRequest, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Guard } from '../compose.js';
import { HttpError } from '../http-error.js';

/** For a POST without a session: sets `ctx.initializeParams`, or refuses with 400. */
export const initializeAlone: Guard = function initializeAloneGuard(ctx, next) {
  if (ctx.endpoint) return next(ctx);
  const params = ctx.initialize ? initializeParams(ctx.initialize) : undefined;
  if (!params) throw new HttpError(400, 'Bad request: send "initialize" first, then use the Mcp-Session-Id it returns');
  if (ctx.messages.length > 1) throw new HttpError(400, 'Invalid Request: initialize must be sent alone');
  ctx.initializeParams = params;
  return next(ctx);
};

function initializeParams(init: JSONRPCMessage): InitializeRequest['params'] | undefined {
  const params = (init as { params?: InitializeRequest['params'] }).params;
  if (!('id' in init) || typeof params !== 'object' || params === null) return undefined;
  return { ...params, capabilities: params.capabilities ?? {} };
}
