// The agent-facing MCP server of one session, on the message core: answers initialize and ping,
// routes every other request to the session (tools/call to session.callTool, the one route to a
// tool) and is the AgentPeer through which the session reaches the agent.
import { ErrorCode, McpError, type ClientCapabilities, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { Peer } from '../jsonrpc/peer.js';
import type { InboundRequest, JsonObject, PeerTransport } from '../jsonrpc/types.js';
import { GatewaySession } from '../gateway/session.js';
import type { AgentPeer, GatewayDeps } from '../gateway/types.js';
import { callParams } from './call-params.js';
import { assertMayNotify, serves } from './capabilities.js';
import { askAgent, nestsTooDeep, tooDeepRequest } from './deep-messages.js';
import { clientIdentity, initializeParams, initializeResult, type InitializeParams } from './initialize.js';
import { RequestContext } from './request-context.js';
import { ProtocolError, callFailure, toRpcError } from './to-response.js';

export interface AgentEndpointOptions {
  agent: string;
  /** The session id (the HTTP front's Mcp-Session-Id); a fresh one when absent. */
  sessionId?: string;
}

const NOT_INITIALIZED = 'Server not initialized: send "initialize" first';

export class AgentEndpoint implements AgentPeer {
  readonly #deps: GatewayDeps;
  readonly #options: AgentEndpointOptions;
  readonly #log: (message: string) => void;
  #peer: Peer | undefined;
  #session: GatewaySession | undefined;
  #capabilities: ServerCapabilities = {};
  /** The agent's latest initialize params: its capabilities and name. */
  #client: InitializeParams | undefined;
  /** The client's name and version, bounded and cleaned once (see clientIdentity). */
  #clientInfo: { name: string; version: string } | undefined;
  #opening: Promise<GatewaySession> | undefined;
  #closed = false;
  /** Called once when the agent's connection closes (the agent hung up or close() was called). */
  onclose?: () => void;

  constructor(deps: GatewayDeps, options: AgentEndpointOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#log = deps.log ?? (() => {});
  }

  /** The session, once opened. */
  get session(): GatewaySession | undefined {
    return this.#session;
  }

  /** Requests in flight in both directions on the agent's connection. */
  get inFlight(): number {
    return this.#peer?.inFlight ?? 0;
  }

  /**
   * Opens the session from the agent's initialize params: starts the upstreams with the agent's
   * client capabilities (waiting at most half a second; see GatewaySession.start). Called by the
   * HTTP front before it connects, or by the endpoint itself on a stdio agent's initialize.
   */
  open(params: InitializeParams): Promise<GatewaySession> {
    this.#opening ??= this.#open(params).catch((error: unknown) => {
      // A failed open may be retried by the next initialize.
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  async #open(params: InitializeParams): Promise<GatewaySession> {
    this.#setClient(params);
    const { agent, sessionId } = this.#options;
    const session = new GatewaySession(this.#deps, { agent, peer: this, ...(sessionId ? { id: sessionId } : {}) });
    this.#capabilities = await session.start(params.capabilities);
    // Closed while it opened (a signal, a required server that failed): its upstreams and their
    // retries must end too, or the process never exits.
    if (this.#closed) {
      await session.close();
      throw new Error('The front closed while the session opened');
    }
    this.#session = session;
    return session;
  }

  /** Serves the agent over `transport` (started here). Call once. */
  async connect(transport: PeerTransport): Promise<void> {
    const peer = new Peer(transport, {
      onRequest: (request) => this.#onRequest(request),
      onNotification: (method, params) => this.#onNotification(method, params),
      toRpcError: (error) => toRpcError(error, this.#log),
      onError: (error) => this.#log(`Agent connection: ${error.message}`),
    });
    peer.onclose = () => this.onclose?.();
    this.#peer = peer;
    await peer.start();
  }

  /**
   * Closes the session and its upstreams, then the agent's connection (calls the session ends are
   * still answered). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#session?.close();
    await this.#peer?.close().catch((error: unknown) => this.#log(`Cannot close the agent's connection: ${(error as Error).message}`));
  }

  // AgentPeer: what the session sees of the agent.

  clientCapabilities(): ClientCapabilities | undefined {
    return this.#client?.capabilities;
  }

  clientInfo(): { name: string; version: string } | undefined {
    return this.#clientInfo;
  }

  async notify(method: string, params?: JsonObject): Promise<void> {
    const peer = this.#peer;
    if (!peer || peer.closed) throw new Error('Not connected');
    assertMayNotify(this.#capabilities, this.#client?.capabilities, method);
    await peer.notify(method, params);
  }

  async request(method: string, params: JsonObject | undefined, options: { signal?: AbortSignal }): Promise<JsonObject> {
    if (!this.#peer) throw new Error('The session is not connected');
    return askAgent(this.#peer.request(method, params, options.signal ? { signal: options.signal } : {}));
  }

  #setClient(params: InitializeParams | undefined): void {
    this.#client = params;
    this.#clientInfo = clientIdentity(params);
  }

  // The agent's messages.

  async #onRequest(request: InboundRequest): Promise<JsonObject> {
    const { method, params } = request;
    // tools/call's arguments are checked, and audited, by the call pipeline.
    if (method !== 'tools/call' && nestsTooDeep(params)) throw tooDeepRequest();
    // Answered whatever the state of the session, before initialize included.
    if (method === 'ping') return {};
    const session = this.#session ?? (await this.#ready(request));
    if (method === 'tools/call' && this.#capabilities.tools) {
      const context = new RequestContext(request);
      const call = callParams(params);
      try {
        return await session.callTool(call, context);
      } catch (error) {
        return callFailure(error, this.#log);
      }
    }
    switch (method) {
      case 'initialize':
        this.#setClient(initializeParams(request.id, params) ?? this.#client);
        return initializeResult(session, this.#capabilities, params?.protocolVersion);
      case 'tools/list':
        if (this.#capabilities.tools) return { tools: await session.listTools() };
        break;
      default:
        if (serves(this.#capabilities, method)) return session.passthrough.handle(method, params, new RequestContext(request));
    }
    throw new McpError(ErrorCode.MethodNotFound, 'Method not found');
  }

  /**
   * The session for a request that came before it was opened: a stdio agent's initialize opens it;
   * requests sent while it opens wait for it; anything else is refused.
   */
  async #ready(request: InboundRequest): Promise<GatewaySession> {
    if (!this.#opening) {
      const params = request.method === 'initialize' ? initializeParams(request.id, request.params) : undefined;
      if (!params) throw new ProtocolError(ErrorCode.InvalidRequest, NOT_INITIALIZED);
      try {
        return await this.open(params);
      } catch (error) {
        this.#log(`Cannot open a session for agent "${this.#options.agent}": ${(error as Error).message}`);
        throw new ProtocolError(ErrorCode.InternalError, 'mcp-warden could not open the session; see its log');
      }
    }
    try {
      return await this.#opening;
    } catch {
      throw new ProtocolError(ErrorCode.InvalidRequest, NOT_INITIALIZED);
    }
  }

  #onNotification(method: string, params: JsonObject | undefined): void {
    if (nestsTooDeep(params)) return this.#log('Dropped a notification from the agent nested too deep');
    if (method !== 'notifications/roots/list_changed') return;
    const relay = (session: GatewaySession) =>
      session.passthrough.notifyAll(method).catch((error: unknown) => this.#log(`Cannot relay ${method}: ${(error as Error).message}`));
    if (this.#session) void relay(this.#session);
    // Sent while the session opens: relayed once it is open (before it, there is no upstream to
    // tell). A failed open has nothing to relay to, and was logged and answered where it failed.
    else void this.#opening?.then(relay, () => undefined);
  }
}
