// The Streamable HTTP front: many agents, each named by its bearer token, each session bound to the
// agent that opened it. Everything that is not MCP (health, the approval console) is routed here too.
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ErrorCode, SUPPORTED_PROTOCOL_VERSIONS, type InitializeRequest, type JSONRPCMessage, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { isJsonRpcMessage } from '../jsonrpc/jsonrpc-shape.js';
import { decodeStrictUtf8 } from '../jsonrpc/json-lines.js';
import { HttpSessionTransport } from './http-transport.js';
import { WardenError } from '../errors.js';
import type { GatewayDeps } from '../gateway/types.js';
import type { GatewaySession } from '../gateway/session.js';
import { openSession } from './session-server.js';
import { SessionTable } from './session-table.js';
import { BodyTooLargeError, TokenTable, hostAllowed, isLoopbackHost, originAllowed, readBody } from './http-guard.js';

/** Messages one POST may carry (JSON-RPC batches; the SDK's limit too). */
const MAX_BATCH = 100;

export interface HttpFrontOptions {
  host: string;
  port: number;
  /** Extra handler for non-MCP paths (the approval console); returns true when it answered. */
  extraHandler?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
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
}

export interface RunningHttpFront {
  url: string;
  port: number;
  /** Open sessions, for diagnostics and tests. */
  sessionCount(): number;
  close(): Promise<void>;
}

interface SessionEntry {
  session: GatewaySession;
  transport: HttpSessionTransport;
}

/** Starts the HTTP front; refuses a non-loopback address while any agent has no token. */
export async function serveHttp(deps: GatewayDeps, options: HttpFrontOptions): Promise<RunningHttpFront> {
  const { config } = deps;
  const tokens = new TokenTable(Object.fromEntries(Object.values(config.agents).map((agent) => [agent.name, agent.token])));
  const untokened = Object.values(config.agents).filter((agent) => !agent.token).map((agent) => agent.name);
  if (!isLoopbackHost(options.host) && untokened.length > 0) {
    throw new WardenError('BAD_INPUT', `Refusing to listen on "${options.host}": agent${untokened.length > 1 ? 's' : ''} ${untokened.map((n) => `"${n}"`).join(', ')} ha${untokened.length > 1 ? 've' : 's'} no token. Give every agent a token, or listen on 127.0.0.1`);
  }
  const maxSessions = options.maxSessionsPerAgent ?? 16;
  const sessions = new SessionTable<SessionEntry>({
    maxPerAgent: maxSessions,
    evictAfterMs: options.evictAfterMs ?? config.http.sessionEvictAfterMs,
    // A client that hung up does not end its call: the session is still at work.
    busy: (entry) => entry.transport.inFlightCount() > 0,
  });
  const log = deps.log ?? (() => {});

  async function closeEntry(entry: SessionEntry): Promise<void> {
    await entry.session.close();
    await entry.transport.close().catch(() => {});
  }

  async function closeSession(id: string): Promise<void> {
    const entry = sessions.delete(id);
    if (entry) await closeEntry(entry);
  }

  /** The agent's own session named by the request, or undefined (another agent's is as unknown as none). */
  function ownSession(id: string, agent: string): SessionEntry | undefined {
    return sessions.get(id, agent);
  }

  /** Counts `res` as a use of session `id` until it closes. */
  function track(id: string, res: ServerResponse): void {
    sessions.begin(id, Date.now());
    res.once('close', () => sessions.end(id, Date.now()));
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const agent = tokens.agentFor(req.headers.authorization);
    if (!agent) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="mcp-warden"');
      return sendError(res, 401, ErrorCode.InvalidRequest, 'Missing or unknown bearer token');
    }
    const version = header(req, 'mcp-protocol-version');
    if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return sendError(res, 400, ErrorCode.InvalidRequest, `Bad Request: unsupported protocol version "${version}" (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
    }
    const sessionId = header(req, 'mcp-session-id');
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (req.method === 'GET' && !accepts(req, 'text/event-stream')) return sendError(res, 406, ErrorCode.InvalidRequest, 'Not Acceptable: the client must accept text/event-stream');
      if (sessionId === undefined) return sendError(res, 400, ErrorCode.InvalidRequest, 'Bad Request: the Mcp-Session-Id header is required');
      const entry = ownSession(sessionId, agent);
      if (!entry) return sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found');
      if (req.method === 'DELETE') {
        await closeSession(sessionId);
        res.writeHead(200).end();
        return;
      }
      if (entry.transport.hasStandaloneStream) return sendError(res, 409, ErrorCode.InvalidRequest, 'Conflict: this session already has a GET stream open');
      track(sessionId, res);
      entry.transport.openStandalone(res);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST, DELETE');
      return sendError(res, 405, ErrorCode.InvalidRequest, `Method ${req.method ?? ''} is not allowed`);
    }
    if (!accepts(req, 'application/json') || !accepts(req, 'text/event-stream')) {
      return sendError(res, 406, ErrorCode.InvalidRequest, 'Not Acceptable: the client must accept both application/json and text/event-stream');
    }
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return sendError(res, 415, ErrorCode.InvalidRequest, 'Unsupported Media Type: Content-Type must be application/json');
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, config.http.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.setHeader('Connection', 'close');
        sendError(res, 413, ErrorCode.InvalidRequest, `Request body is larger than ${config.http.maxBodyBytes} bytes`);
        req.socket.destroySoon();
        return;
      }
      throw error;
    }
    const text = decodeStrictUtf8(raw);
    // Never repaired to U+FFFD: what would be checked is then not what the agent sent.
    if (text === undefined) return sendError(res, 400, ErrorCode.ParseError, 'Parse error: the body is not valid UTF-8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return sendError(res, 400, ErrorCode.ParseError, 'Parse error: the body is not valid JSON');
    }
    const messages = Array.isArray(body) ? body : [body];
    if (messages.length === 0 || messages.length > MAX_BATCH) {
      return sendError(res, 400, ErrorCode.InvalidRequest, `Invalid Request: a batch holds 1 to ${MAX_BATCH} messages`);
    }
    if (!messages.every(isJsonRpcMessage)) return sendError(res, 400, ErrorCode.InvalidRequest, 'Invalid Request: the body is not a JSON-RPC 2.0 message');
    const initialize = messages.find((message) => 'method' in message && message.method === 'initialize');
    const ids = requestIds(messages);

    if (sessionId !== undefined) {
      const entry = ownSession(sessionId, agent);
      if (!entry) return sendError(res, 404, ErrorCode.InvalidRequest, 'Session not found');
      if (initialize) return sendError(res, 400, ErrorCode.InvalidRequest, 'Invalid Request: this session is already initialized');
      const duplicate = ids.find((id) => entry.transport.isInFlight(id)) ?? ids.find((id, index) => ids.indexOf(id) !== index);
      if (duplicate !== undefined) return sendError(res, 409, ErrorCode.InvalidRequest, `Duplicate request id "${String(duplicate)}" is still in flight`, duplicate);
      track(sessionId, res);
      entry.transport.post(res, messages);
      return;
    }

    const params = initialize ? initializeParams(initialize) : undefined;
    if (!params) {
      return sendError(res, 400, ErrorCode.InvalidRequest, 'Bad request: send "initialize" first, then use the Mcp-Session-Id it returns');
    }
    if (messages.length > 1) return sendError(res, 400, ErrorCode.InvalidRequest, 'Invalid Request: initialize must be sent alone');
    const admission = sessions.admit(agent, Date.now());
    if (!admission.admitted) {
      const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
      res.setHeader('Retry-After', String(seconds));
      return sendError(res, 429, ErrorCode.InvalidRequest, `Agent "${agent}" already has ${maxSessions} sessions in use; end one (DELETE) or retry in ${seconds} s, when one may have been quiet long enough to be closed`);
    }
    if (admission.evicted) {
      log(`Closed session ${admission.evicted.id} of agent "${agent}", unused longest, to open a new one (at most ${maxSessions} per agent)`);
      void closeEntry(admission.evicted.value);
    }
    const id = randomUUID();
    // Starting the upstreams can take seconds; a client that gives up meanwhile must not leave a
    // session behind that nothing would ever close.
    let hungUp = false;
    const onHangUp = (): void => {
      hungUp = true;
    };
    res.once('close', onHangUp);
    let entry: SessionEntry | undefined;
    try {
      const opened = await openSession(deps, agent, params, { sessionId: id });
      // Closed while it opened: by the client, or with the whole front (its retries would keep the process alive).
      if (hungUp || res.destroyed || closing) {
        await opened.session.close();
        return;
      }
      const transport = new HttpSessionTransport(id);
      transport.onclose = () => void closeSession(id);
      // A call that ends after its client hung up was still use of the session, up to its end.
      transport.onsettled = () => sessions.touch(id, Date.now());
      await opened.connect(transport);
      entry = { session: opened.session, transport };
      sessions.add(id, agent, entry, Date.now());
    } finally {
      if (!entry) sessions.release(agent);
      res.off('close', onHangUp);
    }
    track(id, res);
    entry.transport.post(res, messages);
  }

  const server: HttpServer = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`HTTP front: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) sendError(res, 500, ErrorCode.InternalError, 'Internal error in mcp-warden');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok', sessions: sessions.size }));
      return;
    }
    if (!hostAllowed(req, config.http.allowedHosts)) return sendError(res, 403, ErrorCode.InvalidRequest, 'Forbidden: Host is not allowed');
    if (!originAllowed(req, config.http.allowedOrigins)) return sendError(res, 403, ErrorCode.InvalidRequest, 'Forbidden: Origin is not allowed');
    if (path === '/mcp') return handleMcp(req, res);
    if (options.extraHandler && (await options.extraHandler(req, res))) return;
    sendError(res, 404, ErrorCode.InvalidRequest, `Not found: ${path}`);
  }

  const idleTimeout = options.idleTimeoutMs ?? 5 * 60_000;
  const sweeper = setInterval(() => {
    for (const id of sessions.stale(Date.now(), idleTimeout)) void closeSession(id);
  }, Math.max(1_000, Math.min(idleTimeout / 2, 60_000)));
  sweeper.unref();

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
        clearInterval(sweeper);
        await Promise.allSettled(sessions.ids().map((id) => closeSession(id)));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendError(res: ServerResponse, status: number, code: number, message: string, id: string | number | null = null): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }));
}

function requestIds(messages: JSONRPCMessage[]): Array<string | number> {
  return messages.filter((m): m is JSONRPCRequest => 'method' in m && 'id' in m && m.id !== undefined).map((m) => m.id);
}

function initializeParams(init: JSONRPCMessage): InitializeRequest['params'] | undefined {
  const params = (init as { params?: InitializeRequest['params'] }).params;
  if (!('id' in init) || typeof params !== 'object' || params === null) return undefined;
  return { ...params, capabilities: params.capabilities ?? {} };
}

/** Whether the Accept header admits `type` (wildcards included). */
function accepts(req: IncomingMessage, type: string): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes(type) || accept.includes('*/*') || accept.includes(`${type.split('/')[0]}/*`);
}
