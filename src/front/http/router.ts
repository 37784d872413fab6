// Which chain of guards a request goes through: one per HTTP method on /mcp, the health check, and
// everything else (the extra handler, then 404). The chains are composed once per server.
import { compose, type Next } from './compose.js';
import type { HttpContext } from './context.js';
import type { TokenTable } from '../http-guard.js';
import type { GatewayObserver } from '../../gateway/observer.js';
import type { HttpSessions } from './sessions.js';
import { hostAndOrigin } from './guards/host-origin.js';
import { bearerAuth } from './guards/auth.js';
import { protocolVersion } from './guards/protocol-version.js';
import { acceptsJsonAndStream, acceptsStream, jsonContentType } from './guards/media-type.js';
import { jsonRpcBody } from './guards/body.js';
import { namedSession, requiredSession } from './guards/session-lookup.js';
import { initializeAlone } from './guards/initialize.js';
import { postMessages } from './handlers/post.js';
import { openStream } from './handlers/get.js';
import { endSession } from './handlers/delete.js';
import { extra, health, methodNotAllowed, notFound, type ExtraHandler } from './handlers/fallbacks.js';
import { readiness } from './handlers/readiness.js';
import type { ReadinessReport } from '../../gateway/readiness.js';

export interface RouterOptions {
  tokens: TokenTable;
  sessions: HttpSessions;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  extraHandler?: ExtraHandler;
  /** Told of requests refused for their bearer token. */
  observer?: GatewayObserver;
  /** Answers GET /readyz; without it /readyz reports ready whenever the front serves. */
  readiness?: () => Promise<ReadinessReport>;
}

/** The chain for each request, picked by path and method. */
export type Router = (ctx: HttpContext) => Next;

/** Composes every chain once; the router only picks one per request. */
export function createRouter(options: RouterOptions): Router {
  const { sessions } = options;
  // Host and Origin first (DNS rebinding), then who the agent is, then what it speaks.
  const front = [hostAndOrigin(options.allowedHosts, options.allowedOrigins), bearerAuth(options.tokens, options.observer), protocolVersion];
  const healthz = compose([health(() => sessions.size)]);
  // Probes come without a token and with the pod's address as Host (Kubernetes), so, like /healthz,
  // /readyz skips the Host and token guards; it shows no secrets.
  const readyz = compose([readiness(options.readiness ?? (() => Promise.resolve({ ready: true, checks: [] })))]);
  const post = compose([...front, acceptsJsonAndStream, jsonContentType, jsonRpcBody(options.maxBodyBytes), namedSession(sessions), initializeAlone, postMessages(sessions)]);
  const get = compose([...front, acceptsStream, requiredSession(sessions), openStream(sessions)]);
  const del = compose([...front, requiredSession(sessions), endSession(sessions)]);
  const other = compose([...front, methodNotAllowed]);
  const elsewhere = compose([front[0]!, ...(options.extraHandler ? [extra(options.extraHandler)] : []), notFound]);
  return (ctx) => {
    if (ctx.path === '/mcp') {
      switch (ctx.req.method) {
        case 'POST':
          return post;
        case 'GET':
          return get;
        case 'DELETE':
          return del;
        default:
          return other;
      }
    }
    if (ctx.path === '/healthz') return healthz;
    return ctx.path === '/readyz' ? readyz : elsewhere;
  };
}
