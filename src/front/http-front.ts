// The Streamable HTTP front: many agents, each named by its bearer token, each session bound to the
// agent that opened it. Everything that is not MCP (health, the approval console) is routed here too.
// Each request goes through one chain of guards (http/router.ts); a refusal is an HttpError that
// http/respond.ts turns into the response.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WardenError } from '../errors.js';
import type { GatewayDeps } from '../gateway/types.js';
import { TokenTable, isLoopbackHost } from './http-guard.js';
import { sweepIdleSessions } from './idle-sweep.js';
import { HttpContext } from './http/context.js';
import type { ExtraHandler } from './http/handlers/fallbacks.js';
import { errorResponder } from './http/respond.js';
import { createRouter } from './http/router.js';
import type { ReadinessReport } from '../gateway/readiness.js';
import type { ResolvedConfig } from '../config/types.js';
import { HttpSessions } from './http/sessions.js';

export interface HttpFrontOptions {
  host: string;
  port: number;
  /** Extra handler for non-MCP paths (the approval console); returns true when it answered. */
  extraHandler?: ExtraHandler;
  /**
   * Sessions with no request in flight and no open stream for this long are closed with their
   * upstreams. Default 5 minutes: health checks (`claude mcp list`) open sessions and never end them.
   */
  idleTimeoutMs?: number;
  /** Sessions one agent may hold at once (each has its own upstream processes). Default 16. */
  maxSessionsPerAgent?: number;
  /**
   * How long a session must go unused before it may be closed to make room for the agent's new one.
   * Default: `http.session_evict_after` from the config (60 s).
   */
  evictAfterMs?: number;
  /** Answers GET /readyz (see gateway/readiness.ts); without it the front is ready whenever it serves. */
  readiness?: () => Promise<ReadinessReport>;
}

export interface RunningHttpFront {
  url: string;
  port: number;
  /** Open sessions, for diagnostics and tests. */
  sessionCount(): number;
  close(): Promise<void>;
}

/** Starts the HTTP front; refuses a non-loopback address while any agent has no token. */
export async function serveHttp(deps: GatewayDeps, options: HttpFrontOptions): Promise<RunningHttpFront> {
  const { config } = deps;
  const untokened = Object.values(config.agents).filter((agent) => !agent.token).map((agent) => agent.name);
  if (!isLoopbackHost(options.host) && untokened.length > 0) {
    throw new WardenError('BAD_INPUT', `Refusing to listen on "${options.host}": agent${untokened.length > 1 ? 's' : ''} ${untokened.map((n) => `"${n}"`).join(', ')} ha${untokened.length > 1 ? 've' : 's'} no token. Give every agent a token, or listen on 127.0.0.1`);
  }
  const log = deps.log ?? (() => {});
  const sessions = new HttpSessions(deps, {
    maxPerAgent: options.maxSessionsPerAgent ?? 16,
    evictAfterMs: options.evictAfterMs ?? config.http.sessionEvictAfterMs,
    log,
  });
  const tokens = new TokenTable(tokensOf(config));
  // A reloaded config: its tokens are the only ones from the next request on, and the sessions of an
  // agent it no longer defines are closed (with their upstreams), rather than serving on under a
  // policy the operator removed.
  const unsubscribe =
    deps.configSource?.onChange((next) => {
      tokens.replace(tokensOf(next));
      void sessions.closeAgents((agent) => !next.agents[agent]);
    }) ?? (() => {});
  const route = createRouter({
    tokens,
    sessions,
    allowedHosts: config.http.allowedHosts,
    allowedOrigins: config.http.allowedOrigins,
    maxBodyBytes: config.http.maxBodyBytes,
    ...(options.extraHandler ? { extraHandler: options.extraHandler } : {}),
    ...(deps.observer ? { observer: deps.observer } : {}),
    ...(options.readiness ? { readiness: options.readiness } : {}),
  });

  const respondWithError = errorResponder(log);
  const server: HttpServer = createServer((req, res) => {
    const ctx = new HttpContext(req, res);
    try {
      const done = route(ctx)(ctx);
      if (done) done.catch((error: unknown) => respondWithError(res, error));
    } catch (error) {
      respondWithError(res, error);
    }
  });

  const stopSweep = sweepIdleSessions(sessions, options.idleTimeoutMs ?? 5 * 60_000);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const displayHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${displayHost}:${port}/mcp`,
    port,
    sessionCount: () => sessions.size,
    close: () =>
      (closing ??= (async () => {
        stopSweep();
        unsubscribe();
        await sessions.closeAll();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}

function tokensOf(config: ResolvedConfig): Record<string, string | undefined> {
  return Object.fromEntries(Object.values(config.agents).map((agent) => [agent.name, agent.token]));
}
