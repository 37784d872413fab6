// Everything on the HTTP port that is not an MCP method: the health check, the extra handler (the
// approval console), 405 for other methods on /mcp, and 404 for any other path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Guard } from '../compose.js';
import { HttpError } from '../http-error.js';

/** GET /healthz: answered without auth, so that a load balancer can ask. */
export function health(sessionCount: () => number): Guard {
  return function healthHandler(ctx) {
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok', sessions: sessionCount() }));
  };
}

/** Another handler (the approval console) that answers the paths it knows and returns true. */
export type ExtraHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Lets `handler` answer; passes on what it does not. */
export function extra(handler: ExtraHandler): Guard {
  return async function extraHandler(ctx, next) {
    if (!(await handler(ctx.req, ctx.res))) return next(ctx);
  };
}

const ALLOW = { Allow: 'GET, POST, DELETE' } as const;

/** /mcp with a method MCP does not use. */
export const methodNotAllowed: Guard = function methodNotAllowedHandler(ctx) {
  throw new HttpError(405, `Method ${ctx.req.method ?? ''} is not allowed`, { headers: ALLOW });
};

/** Any path nobody answered. */
export const notFound: Guard = function notFoundHandler(ctx) {
  throw new HttpError(404, `Not found: ${ctx.path}`);
};
