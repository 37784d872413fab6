// One agent's session: its compiled policy, its own upstream connections (so requests an upstream
// sends mid-call reach the session that caused them, and no state leaks between agents), and the
// catalog of tools it may see, which grows as late or recovered servers come up. Every tool call
// goes through `enforceCall`, every resource, prompt and completion request through `enforceAccess`,
// every upstream request to the agent through `relayUpstreamRequest`.
import { randomUUID } from 'node:crypto';
import type { CallToolResult, ClientCapabilities, ServerCapabilities, Tool } from '@modelcontextprotocol/sdk/types.js';
import { WardenError } from '../errors.js';
import { compilePolicy, decideUpstreamRequest, serverToolVerdict, visibility, type AccessKind, type CompiledPolicy } from '../policy/index.js';
import type { Decision, EffectivePolicy } from '../policy/types.js';
import type { ServerConfig } from '../config/types.js';
import type { Upstream, UpstreamInfo } from '../upstream/types.js';
import { Catalog } from './catalog.js';
import { UpstreamStarts } from './upstream-starts.js';
import { findUnavailable, type UnavailableServer } from './unavailable.js';
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

/** How long the agent's initialize waits for eager servers, so that what they offer is announced. */
const INITIALIZE_WAIT_MS = 500;
/** How long tools/list (and the other lists) wait for servers still on their first start. */
const LIST_WAIT_MS = 5_000;
/** A wait with no bound of ours (a required server's first attempt ends at its connect timeout). */
const NO_BOUND_MS = 2 ** 31 - 1;

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
  /** Every tool each server listed (hidden ones too): what its resources and prompts follow by default. */
  readonly #toolNames = new Map<string, string[]>();
  /** Made only for a call whose upstream sends the agent a request, so most calls allocate nothing. */
  readonly #callEnded = new WeakMap<CallContext, AbortController>();
  readonly #starts: UpstreamStarts;
  /** The tools of each server that has listed, as this agent may see them. */
  readonly #visible = new Map<string, Tool[]>();
  /** Servers that said their tool list changed; listed again before the next catalog. */
  readonly #stale = new Set<string>();
  #catalog: Promise<Catalog> | undefined;
  /** The catalog of the servers up now, for calls that need not wait for any other server. */
  #ready: Catalog | undefined;
  /** The agent has its initialize answer: what changes from now on, it is told. */
  #announced = false;
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
    this.#starts = new UpstreamStarts({
      bringUp: (server) => this.#bringUp(server),
      retryInMs: (server) => this.#upstreams.get(server)?.retryInMs?.() ?? 0,
      onUp: (server, attempts) => this.#onUp(server, attempts),
      onFailure: (server, error, attempts, retryInMs) => this.#onStartFailure(server, error, attempts, retryInMs),
    });
  }

  /**
   * Creates the upstream connections with the agent's client capabilities and begins starting the
   * eager and required ones; waits for them at most INITIALIZE_WAIT_MS, so the agent's initialize is
   * answered within a second whatever the upstreams do. Returns the capabilities to announce.
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
    const eager = [...this.#servers.values()].filter((server) => server.startup === 'eager' || server.required).map((server) => server.id);
    for (const server of eager) this.#starts.begin(server);
    await this.#starts.firstAttempts(eager, Date.now() + INITIALIZE_WAIT_MS);
    this.#announced = true;
    return this.capabilities();
  }

  /**
   * The union of what connected upstreams offer; tools are always offered. Capabilities are fixed at
   * initialize, so while any server is not up yet (late, failing or lazy), resources, prompts,
   * completions and logging are announced too (resource subscriptions included): the gateway relays
   * them once it is up.
   */
  capabilities(): ServerCapabilities {
    const caps: ServerCapabilities = { tools: { listChanged: true } };
    if ([...this.#servers.keys()].some((server) => !this.#infos.has(server))) {
      // Whether a late server supports subscriptions is unknown at initialize; announcing them keeps
      // the answer the same however fast the servers start (one that cannot subscribe says so).
      caps.resources = { listChanged: true, subscribe: true };
      caps.prompts = { listChanged: true };
      caps.completions = {};
      caps.logging = {};
    }
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
    try {
      return await this.#connect(server, signal);
    } catch (error) {
      this.deps.log?.(`Cannot connect to upstream "${server}": ${(error as Error).message}`);
      throw error;
    }
  }

  async #connect(server: string, signal?: AbortSignal): Promise<Upstream> {
    const upstream = this.#upstreams.get(server);
    if (!upstream) throw new WardenError('UPSTREAM_UNAVAILABLE', `Upstream "${server}" is not configured`);
    this.#infos.set(server, await upstream.connect(signal));
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

  /**
   * The session's catalog, built on first need (starting lazy servers, and waiting at most
   * LIST_WAIT_MS for servers on their first start) and rebuilt when a server comes up or its list changes.
   */
  catalog(): Promise<Catalog> {
    this.#catalog ??= this.#buildCatalog().catch((error) => {
      this.#catalog = undefined;
      throw error;
    });
    return this.#catalog;
  }

  /**
   * The catalog of the servers that have listed, without starting or waiting for any: a call to a
   * tool found here is not held up by a server still starting. Undefined while a list is stale.
   */
  readyCatalog(): Catalog | undefined {
    if (this.#stale.size > 0) return undefined;
    this.#ready ??= Catalog.build(this.#visible, this.deps.config.toolNames);
    return this.#ready;
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
    for (const server of this.#upstreams.keys()) this.#starts.begin(server);
    const now = Date.now();
    const required = [...this.#servers.values()].filter((server) => server.required).map((server) => server.id);
    const others = [...this.#servers.keys()].filter((server) => !required.includes(server));
    await Promise.all([this.#starts.firstAttempts(others, now + LIST_WAIT_MS), this.#starts.firstAttempts(required, now + NO_BOUND_MS)]);
    await Promise.all([...this.#stale].map((server) => this.#listAgain(server)));
    return Catalog.build(this.#visible, this.deps.config.toolNames);
  }

  /** One start attempt as the retry loop makes it: connected, and its tools read. */
  async #bringUp(server: string): Promise<void> {
    const upstream = await this.#connect(server);
    this.#stale.delete(server);
    this.#setTools(server, this.#infos.get(server)?.capabilities.tools ? await upstream.listTools() : []);
  }

  async #listAgain(server: string): Promise<void> {
    if (!this.#stale.delete(server) || this.#starts.state(server).state !== 'up') return;
    try {
      this.#setTools(server, await (await this.#connect(server)).listTools());
    } catch (error) {
      // The previous list stays; a call to a tool that went away is the upstream's to refuse.
      this.deps.log?.(`Tools of upstream "${server}" could not be listed again: ${(error as Error).message}`);
    }
  }

  #setTools(server: string, tools: Tool[]): void {
    this.#toolNames.set(server, tools.map((tool) => tool.name));
    this.#visible.set(
      server,
      tools.filter((tool) => visibility(this.policy, server, tool.name, tool.annotations).decision !== 'deny'),
    );
    this.#catalog = undefined;
    this.#ready = undefined;
  }

  #onUp(server: string, attempts: number): void {
    if (this.#closed) return;
    if (attempts > 1) this.deps.log?.(`Upstream "${server}" is up after ${attempts} attempts`);
    if (!this.#announced) return;
    // A late or recovered server: the agent has been told what there was without it.
    if ((this.#visible.get(server)?.length ?? 0) > 0) this.peer.notify('notifications/tools/list_changed').catch(() => {});
    const offers = this.#infos.get(server)?.capabilities;
    if (offers?.resources) this.peer.notify('notifications/resources/list_changed').catch(() => {});
    if (offers?.prompts) this.peer.notify('notifications/prompts/list_changed').catch(() => {});
  }

  #onStartFailure(server: string, error: WardenError, attempts: number, retryInMs: number): void {
    if (this.#closed) return;
    const config = this.#servers.get(server);
    if (config?.required && this.deps.fatal) {
      // No more attempts of any server: the gateway is stopping.
      this.#starts.close();
      this.deps.fatal(new WardenError('UPSTREAM_UNAVAILABLE', `Required upstream "${server}" cannot start: ${error.message.replace(/^Cannot (?:start|connect to) upstream "[^"]*": /, '')}`, { cause: error }));
      return;
    }
    // Said once per attempt, and less often as the failures go on: a server that stays down is
    // retried every 10 s for as long as the session lasts.
    if (attempts <= 3 || Number.isInteger(Math.log2(attempts))) {
      this.deps.log?.(`${error.message} (attempt ${attempts}; next in ${formatDelay(retryInMs)})`);
    }
  }

  /**
   * Why a call to `exposed`, a name the catalog does not hold, cannot be served: its server is not
   * up (see findUnavailable). Undefined when the name is simply unknown.
   */
  unavailable(exposed: string): UnavailableServer | undefined {
    return findUnavailable(exposed, {
      servers: [...this.#servers.keys()],
      passthrough: this.deps.config.toolNames === 'passthrough',
      state: (server) => this.#starts.state(server),
      visible: (server, tool) => visibility(this.policy, server, tool).decision !== 'deny',
    });
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
    try {
      return await work();
    } finally {
      list.splice(list.indexOf(context), 1);
      // A prompt the upstream sent the agent for this call (elicitation, sampling) is withdrawn when
      // the call ends, on a timeout too: the upstream itself rarely cancels it.
      this.#callEnded.get(context)?.abort('The tool call that asked this has ended');
    }
  }

  #onUpstreamNotification(server: string, notification: { method: string; params?: JsonObject }): void {
    if (this.#closed) return;
    if (notification.method === 'notifications/tools/list_changed') {
      this.#stale.add(server);
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
      if (!context) return this.peer.request(method, params, { signal: options.signal });
      let ended = this.#callEnded.get(context);
      if (!ended) this.#callEnded.set(context, (ended = new AbortController()));
      return context.sendRequest(method, params, { signal: AbortSignal.any([options.signal, ended.signal]) });
    });
  }

  /** Closes every upstream connection (and so every child process); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#starts.close();
    this.deps.approver.forgetSession?.(this.id);
    await Promise.allSettled([...this.#upstreams.values()].map((upstream) => upstream.close()));
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
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
