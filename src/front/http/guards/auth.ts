// The bearer token names the agent; every MCP request must carry one the config knows.
import type { TokenTable } from '../../http-guard.js';
import type { Guard } from '../compose.js';
import { HttpError } from '../http-error.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="mcp-warden"' } as const;

/** Sets `ctx.agent` from the Authorization header, or refuses with 401. */
export function bearerAuth(tokens: TokenTable): Guard {
  return function bearerAuthGuard(ctx, next) {
    const agent = tokens.agentFor(ctx.req.headers.authorization);
    if (!agent) throw new HttpError(401, 'Missing or unknown bearer token', { headers: CHALLENGE });
    ctx.agent = agent;
    return next(ctx);
  };
}
