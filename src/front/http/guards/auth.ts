// The bearer token names the agent; every MCP request must carry one the config knows.
import type { GatewayObserver } from '../../../gateway/observer.js';
import type { TokenTable } from '../../http-guard.js';
import type { Guard } from '../compose.js';
import { HttpError } from '../http-error.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="mcp-warden"' } as const;

/**
 * Sets `ctx.agent` from the Authorization header, or refuses with 401 and tells `observer` (the
 * operator may be under attack, or a client holds an old token). The token itself is never passed on.
 */
export function bearerAuth(tokens: TokenTable, observer?: GatewayObserver): Guard {
  return function bearerAuthGuard(ctx, next) {
    const { authorization } = ctx.req.headers;
    const agent = tokens.agentFor(authorization);
    if (!agent) {
      const reason = /^Bearer\s+\S/i.test(authorization ?? '') ? 'unknown bearer token' : 'missing bearer token';
      const remote = ctx.req.socket.remoteAddress;
      observer?.authRejected?.({ reason, ...(remote ? { remote } : {}), at: Date.now() });
      throw new HttpError(401, 'Missing or unknown bearer token', { headers: CHALLENGE });
    }
    ctx.agent = agent;
    return next(ctx);
  };
}
