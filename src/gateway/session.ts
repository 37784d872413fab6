// One agent's session: its compiled policy, its own upstream connections (so requests an upstream
// sends mid-call reach the session that caused them, and no state leaks between agents), and the
// catalog of tools it may see. Every tool call goes through `enforceCall`, every resource, prompt and
// completion request through `enforceAccess`, every upstream request to the agent through `relayUpstreamRequest`.
import { randomUUID } from 'node:crypto';
import type { CallToolResult, ClientCapabilities, ServerCapabilities, Tool } from '@modelcontextprotocol/sdk/types.js';
import { WardenError } from '../errors.js';
import { compilePolicy, decideUpstreamRequest, serverToolVerdict, visibility, type AccessKind, type CompiledPolicy } from '../policy/index.js';
import type { Decision, EffectivePolicy } from '../policy/types.js';
import type { ServerConfig } from '../config/types.js';
import type { Upstream, UpstreamInfo } from '../upstream/types.js';
import { Catalog } from './catalog.js';
import { enforceCall } from './call-pipeline.js';
import { Passthrough } from './passthrough.js';
import { createCallDecider, type CallToDecide } from './decide-call.js';
import { relayUpstreamRequest } from './upstream-requests.js';
import { decideAccessFor } from './enforce-access.js';
import type { AgentPeer, CallContext, GatewayDeps } from './types.js';

type JsonObject = Record<string, unknown>;

/** Notifications an upstream sends on its own that the agent should see, unchanged. */
const FORWARDED_NOTIFICATIONS = new Set([
  'notifications/message',
  'notifications/resources/updated',
  'notifications/resources/list_changed',
  'notifications/prompts/list_changed',
]);

export interface SessionOptions {
  agent: string;
  peer: AgentPeer;
  /** Defaults to a random UUID. */
  id?: string;
}

export class GatewaySession {
  readonly id: string;
  readonly agent: string;
  readonly deps: GatewayDeps;
  readonly policy: CompiledPolicy;
  readonly effective: EffectivePolicy;
  readonly peer: AgentPeer;
  readonly passthrough: Passthrough;
  /** Inspects and decides one call for this agent: the step `explain` shares. */
  readonly decideCall: (call: CallToDecide) => Promise<Decision>;
  /** Every configured server as started for this agent, resolved once (roots follow working_dir). */
  readonly #servers = new Map<string, ServerConfig>();
  readonly #upstreams = new Map<string, Upstream>();
  readonly #infos = new Map<string, UpstreamInfo>();
  readonly #inflight = new Map<string, CallContext[]>();
  /** Every tool each server listed (hidden ones too), from the last catalog build. */
  readonly #toolNames = new Map<string, string[]>();
  readonly #callEnded = new WeakMap<CallContext, AbortController>();
  #catalog: Promise<Catalog> | undefined;
  #closed = false;

  constructor(deps: GatewayDeps, options: SessionOptions) {
    this.deps = deps;
    this.agent = options.agent;
    this.peer = options.peer;
    this.id = options.id ?? randomUUID();
    this.effective = deps.config.policyFor(options.agent, deps.environment);
    this.policy = compilePolicy(this.effective);
    this.decideCall = createCallDecider(this.effective, this.policy, deps.inspector);
    this.passthrough = new Passthrough(this);
    for (const id of Object.keys(deps.config.servers)) this.#servers.set(id, deps.config.serverFor(options.agent, id)!);
  }

  /**
   * Creates the upstream connections with the agent's client capabilities and connects the eager
   * ones; returns the capabilities to announce, which are the ones the upstreams really offer.
   */
  async start(clientCapabilities: ClientCapabilities | undefined): Promise<ServerCapabilities> {
    const { config, environment } = this.deps;
    const extraEnv = config.environments[environment]?.env ?? {};
    for (const server of this.#servers.values()) {
      this.#upstreams.set(
        server.id,
        this.deps.createUpstream(server, {
          hooks: {
            onNotification: (notification) => this.#onUpstreamNotification(server.id, notification),
            onRequest: (request, options) => this.#onUpstreamRequest(server.id, request, options),
            onDisconnect: (error) => this.deps.log?.(`Upstream "${server.id}" disconnected: ${error.message}`),
          },
          extraEnv,
          timeoutMs: config.timeoutFor(this.agent) ?? server.timeoutMs,
          clientCapabilities: upstreamClientCapabilities(clientCapabilities, server, this.policy),
        }),
      );
    }
    const eager = [...this.#servers.values()].filter((server) => server.startup === 'eager');
    await Promise.all(eager.map((server) => this.connect(server.id).catch(() => undefined)));
    return this.capabilities();
  }

  /** The union of what connected upstreams offer; tools are always offered. */
  capabilities(): ServerCapabilities {
    const caps: ServerCapabilities = { tools: { listChanged: true } };
    for (const info of this.#infos.values()) {
      const up = info.capabilities;
      if (up.resources) {
        caps.resources = { listChanged: true, subscribe: Boolean(caps.resources?.subscribe || up.resources.subscribe) };
      }
      if (up.prompts) caps.prompts = { listChanged: true };
      if (up.completions) caps.completions = {};
      if (up.logging) caps.logging = {};
    }
    return caps;
  }

  /** The connection to `server`, connected; throws UPSTREAM_UNAVAILABLE. */
  async connect(server: string, signal?: AbortSignal): Promise<Upstream> {
    const upstream = this.#upstreams.get(server);
    if (!upstream) throw new WardenError('UPSTREAM_UNAVAILABLE', `Upstream "${server}" is not configured`);
    try {
      const info = await upstream.connect(signal);
      this.#infos.set(server, info);
    } catch (error) {
      this.deps.log?.(`Cannot connect to upstream "${server}": ${(error as Error).message}`);
      throw error;
    }
    return upstream;
  }

  /** What `server` announced, if it is connected. */
  info(server: string): UpstreamInfo | undefined {
    return this.#infos.get(server);
  }

  /** The server as started for this agent (working_dir and the roots that follow from it). */
  serverConfig(server: string): ServerConfig {
    const config = this.#servers.get(server);
    if (!config) throw new WardenError('TOOL_NOT_FOUND', `Server "${server}" is not configured`);
    return config;
  }

  /** The tools the agent may see (allow or ask for some arguments). */
  async listTools(): Promise<Tool[]> {
    return (await this.catalog()).tools();
  }

  /** The session's catalog, built on first need and rebuilt after an upstream's list changes. */
  catalog(): Promise<Catalog> {
    this.#catalog ??= this.#buildCatalog().catch((error) => {
      this.#catalog = undefined;
      throw error;
    });
    return this.#catalog;
  }

  /** Servers this agent may talk to at all: those with a visible tool, or with no tools. */
  async reachableServers(): Promise<string[]> {
    // An agent the environment does not list reaches nothing, not even servers without tools.
    const active = this.effective.activeAgents;
    if (active && !active.value.includes(this.agent)) return [];
    const catalog = await this.catalog();
    const withVisible = new Set(catalog.tools().map((tool) => catalog.lookup(tool.name)!.server));
    return [...this.#infos.keys()].filter((server) => withVisible.has(server) || !this.#infos.get(server)?.capabilities.tools);
  }

  /** Every tool `server` listed, allowed or not; what its resources and prompts follow by default. */
  async serverToolNames(server: string): Promise<string[]> {
    await this.catalog();
    return this.#toolNames.get(server) ?? [];
  }

  /**
   * Connected servers whose resources (or prompts) this agent may reach at all: those with a tool it
   * may use by name, and those a `resource:` / `prompt:` allow or ask rule is written for. Each
   * request is still decided on its own.
   */
  async accessibleServers(kind: AccessKind): Promise<string[]> {
    if (this.policy.inactiveAgent) return [];
    await this.catalog();
    return [...this.#infos.keys()].filter(
      (server) => this.policy.access[kind].namesServer(server) || serverToolVerdict(this.policy, server, this.#toolNames.get(server) ?? []) !== 'deny',
    );
  }

  async #buildCatalog(): Promise<Catalog> {
    const visible = new Map<string, Tool[]>();
    await Promise.all(
      [...this.#upstreams.keys()].map(async (server) => {
        let tools: Tool[];
        try {
          const upstream = await this.connect(server);
          if (!this.#infos.get(server)?.capabilities.tools) return;
          tools = await upstream.listTools();
          this.#toolNames.set(server, tools.map((tool) => tool.name));
        } catch (error) {
          this.#toolNames.delete(server);
          this.deps.log?.(`Tools of upstream "${server}" are unavailable: ${(error as Error).message}`);
          return;
        }
        visible.set(
          server,
          tools.filter((tool) => visibility(this.policy, server, tool.name, tool.annotations).decision !== 'deny'),
        );
      }),
    );
    return Catalog.build(visible, this.deps.config.toolNames);
  }

  /** Enforces and forwards one tools/call; the only route from an agent to an upstream tool. */
  callTool(params: { name: string; arguments?: unknown; _meta?: JsonObject }, context: CallContext): Promise<CallToolResult> {
    if (this.#closed) throw new WardenError('UPSTREAM_UNAVAILABLE', 'The session is closed');
    return enforceCall(this, params, context);
  }

  /** Marks `context` as in flight on `server` while `work` runs, to route the upstream's own requests. */
  async withInflight<T>(server: string, context: CallContext, work: () => Promise<T>): Promise<T> {
    const list = this.#inflight.get(server) ?? [];
    list.push(context);
    this.#inflight.set(server, list);
    const ended = new AbortController();
    this.#callEnded.set(context, ended);
    try {
      return await work();
    } finally {
      list.splice(list.indexOf(context), 1);
      // A prompt the upstream sent the agent for this call (elicitation, sampling) is withdrawn when
      // the call ends, on a timeout too: the upstream itself rarely cancels it.
      ended.abort('The tool call that asked this has ended');
    }
  }

  #onUpstreamNotification(server: string, notification: { method: string; params?: JsonObject }): void {
    if (this.#closed) return;
    if (notification.method === 'notifications/tools/list_changed') {
      this.#catalog = undefined;
      this.peer.notify('notifications/tools/list_changed').catch(() => {});
      return;
    }
    if (notification.method === 'notifications/resources/updated') {
      // A URI the agent may not read is not news it may have either.
      const uri = notification.params?.uri;
      if (typeof uri !== 'string') return;
      decideAccessFor(this, { kind: 'resource', server, name: uri })
        .then((decision) => (decision.decision === 'deny' || this.#closed ? undefined : this.peer.notify(notification.method, notification.params)))
        .catch(() => {});
      return;
    }
    if (FORWARDED_NOTIFICATIONS.has(notification.method)) {
      const params = notification.method === 'notifications/message' ? { ...notification.params, logger: loggerName(server, notification.params) } : notification.params;
      this.peer.notify(notification.method, params).catch(() => {});
    }
  }

  /**
   * Elicitation, sampling and roots requests go to the call that caused them, else to the agent at
   * large. The wire does not say which call a server's request belongs to: with one call in flight on
   * that server it is that one; with several, the newest that the agent has not cancelled (the front
   * carries it on another open stream if that call's has closed).
   */
  async #onUpstreamRequest(server: string, request: { method: string; params?: JsonObject }, options: { signal: AbortSignal }): Promise<JsonObject> {
    // Decided and audited first: the upstream's SDK-side capability check is the upstream's to skip.
    return relayUpstreamRequest(this, { server, ...request }, (method, params) => {
      const inflight = this.#inflight.get(server)?.filter((call) => !call.signal.aborted);
      const context = inflight?.[inflight.length - 1];
      // A prompt sent for a call is withdrawn when that call ends (a timeout), not only when the upstream cancels.
      const ended = context && this.#callEnded.get(context)?.signal;
      if (context) return context.sendRequest(method, params, { signal: ended ? AbortSignal.any([options.signal, ended]) : options.signal });
      return this.peer.request(method, params, { signal: options.signal });
    });
  }

  /** Closes every upstream connection (and so every child process); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.deps.approver.forgetSession?.(this.id);
    await Promise.allSettled([...this.#upstreams.values()].map((upstream) => upstream.close()));
  }
}

function loggerName(server: string, params: JsonObject | undefined): string {
  const logger = typeof params?.logger === 'string' ? params.logger : undefined;
  return logger ? `${server}/${logger}` : server;
}

/**
 * Upstreams may ask the agent only for what the agent's client can answer. Roots are withheld from
 * filesystem servers: the official one replaces its configured directories with the client's roots,
 * which would let an agent widen what the operator allowed.
 */
function upstreamClientCapabilities(agent: ClientCapabilities | undefined, server: ServerConfig, policy: CompiledPolicy): ClientCapabilities {
  const caps: ClientCapabilities = {};
  // A server the profile does not let ask is not told it could (a request it sends anyway is refused).
  const may = (method: string) => decideUpstreamRequest(policy, { server: server.id, method, declared: true }).decision === 'allow';
  if (agent?.elicitation && may('elicitation/create')) caps.elicitation = agent.elicitation;
  if (agent?.sampling && may('sampling/createMessage')) caps.sampling = agent.sampling;
  if (agent?.roots && server.kind !== 'filesystem') caps.roots = { listChanged: Boolean(agent.roots.listChanged) };
  return caps;
}
