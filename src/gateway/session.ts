// One agent's session, as the fronts see it: start, capabilities, the tool list and calls, the
// pass-through for everything else, and close. It owns the ports the enforcement steps take (the
// agent's rules, its upstream set with the catalog, who it is) and hands those on, never itself:
// every tool call goes through `enforceCall`, every resource, prompt and completion request through
// `enforceAccess`, every upstream request to the agent through `relayUpstreamRequest`.
import { randomUUID } from 'node:crypto';
import type { CallToolResult, ClientCapabilities, ServerCapabilities, Tool } from '@modelcontextprotocol/sdk/types.js';
import { WardenError } from '../errors.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { EffectivePolicy } from '../policy/types.js';
import type { AgentView, ResolvedConfig } from '../config/types.js';
import type { UpstreamInfo } from '../upstream/types.js';
import type { Catalog } from './catalog.js';
import { agentRules } from './agent-rules.js';
import { UpstreamSet } from './upstream-set.js';
import type { FailingServer } from './unavailable.js';
import { enforceCall } from './call-pipeline.js';
import { Passthrough } from './passthrough.js';
import { relayUpstreamRequest } from './upstream-requests.js';
import { decideAccessFor } from './enforce-access.js';
import type { AgentRules, GatewayPorts } from './ports.js';
import { DefinitionVetter } from './definition-vetter.js';
import { vettingModes } from './vetting-modes.js';
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
  readonly peer: AgentPeer;
  // The agent's view of the config and its compiled rules: replaced together on a config reload.
  #view: AgentView;
  #rules: AgentRules;
  readonly passthrough: Passthrough;
  readonly #upstreams: UpstreamSet;
  /** Built once: a tools/call hands these on without allocating any. */
  readonly #ports: GatewayPorts;
  #closed = false;
  /** Set when a reloaded config no longer defines this agent: nothing more is served (fail closed). */
  #revoked: string | undefined;
  readonly #unsubscribe: () => void;

  constructor(deps: GatewayDeps, options: SessionOptions) {
    this.deps = deps;
    this.agent = options.agent;
    this.peer = options.peer;
    this.id = options.id ?? randomUUID();
    this.#view = deps.config.agentView(options.agent, deps.environment);
    this.#rules = agentRules(this.#view, deps.inspector);
    const identity = Object.freeze({ id: this.id, agent: this.agent, environment: deps.environment });
    // Settings are read at each list, so a reload (and its approval channels) applies from the next list.
    const vetter = new DefinitionVetter({
      identity,
      deps,
      modes: (server) =>
        vettingModes(server, { config: deps.config, environment: deps.environment, channels: this.#view.approvalChannels, nonInteractive: Boolean(deps.nonInteractive) }),
      serverIds: [...this.#view.servers.keys()],
    });
    this.#upstreams = new UpstreamSet({
      vetter,
      rules: this.#rules,
      deps,
      identity: { agent: this.agent, session: this.id },
      peer: options.peer,
      onNotification: (server, notification) => this.#onUpstreamNotification(server, notification),
      // Decided and audited first: the upstream's SDK-side capability check is the upstream's to skip.
      onRequest: (server, request, { signal }) =>
        relayUpstreamRequest(this.#ports, { server, ...request }, (method, params) => this.#upstreams.askAgent(server, method, params, signal)),
    });
    // `rules` is read when a step begins, so a reload applies from the next call while a call under
    // way keeps the rules it started with (each step takes them once, at its start).
    const currentRules = (): AgentRules => this.#rules;
    this.#ports = Object.freeze({
      identity,
      definitions: vetter,
      get rules() {
        return currentRules();
      },
      tools: this.#upstreams,
      upstreams: this.#upstreams,
      peer: options.peer,
      deps,
    });
    this.passthrough = new Passthrough(this.#ports);
    this.#unsubscribe = deps.configSource?.onChange((config) => this.#reconfigure(config)) ?? (() => {});
    const client = options.peer.clientInfo?.();
    deps.observer?.session?.({ type: 'opened', agent: this.agent, session: this.id, ...(client ? { client } : {}), at: Date.now() });
  }

  /** The agent's view of the config in this environment, shared with its other sessions. */
  get view(): AgentView {
    return this.#view;
  }

  get rules(): AgentRules {
    return this.#rules;
  }

  /** Why this session serves nothing more (its agent was removed from the config), if so. */
  get revoked(): string | undefined {
    return this.#revoked;
  }

  /**
   * A reloaded config: the agent's new view and rules apply from the next call, the catalog is filtered
   * again, servers whose definition changed are restarted, and the agent is told its lists changed.
   */
  #reconfigure(config: ResolvedConfig): void {
    if (this.#closed) return;
    if (!config.agents[this.agent]) {
      // The front closes the session; until then, and for a call already waiting, nothing is served.
      this.#revoked = `Agent "${this.agent}" is no longer defined in the gateway's config`;
      return;
    }
    let view: AgentView;
    try {
      view = config.agentView(this.agent, this.deps.environment);
    } catch (error) {
      // The loader validated the config; should this still fail, the old rules must not serve on.
      this.#revoked = `The reloaded config could not be applied to agent "${this.agent}"`;
      throw error;
    }
    this.#view = view;
    this.#rules = agentRules(view, this.deps.inspector);
    const changes = this.#upstreams.reconfigure(this.#rules);
    if (changes.restarted.length + changes.removed.length + changes.added.length > 0) {
      this.deps.log?.(
        `Session ${this.id} of agent "${this.agent}": ${[
          changes.restarted.length ? `restarting ${quoted(changes.restarted)}` : '',
          changes.removed.length ? `closed ${quoted(changes.removed)}` : '',
          changes.added.length ? `added ${quoted(changes.added)}` : '',
        ]
          .filter(Boolean)
          .join('; ')} (config reloaded)`,
      );
    }
    // Advice to list again; what the agent may see can have changed whatever the servers did.
    this.peer.notify('notifications/tools/list_changed').catch(() => {});
    const offers = [...this.#upstreams.announced()];
    if (offers.some((caps) => caps.resources)) this.peer.notify('notifications/resources/list_changed').catch(() => {});
    if (offers.some((caps) => caps.prompts)) this.peer.notify('notifications/prompts/list_changed').catch(() => {});
  }

  /** The agent's compiled policy. */
  get policy(): CompiledPolicy {
    return this.#rules.policy;
  }

  /** The agent's merged policy. */
  get effective(): EffectivePolicy {
    return this.#view.effective;
  }

  /**
   * Creates the upstream connections with the agent's client capabilities and begins starting the
   * eager and required ones; waits for them at most INITIALIZE_WAIT_MS, so the agent's initialize is
   * answered within a second whatever the upstreams do. Returns the capabilities to announce.
   */
  async start(clientCapabilities: ClientCapabilities | undefined): Promise<ServerCapabilities> {
    this.#upstreams.create(clientCapabilities);
    await this.#upstreams.startEager(Date.now() + INITIALIZE_WAIT_MS);
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
    if (this.#upstreams.someNotUp()) {
      // Whether a late server supports subscriptions is unknown at initialize; announcing them keeps
      // the answer the same however fast the servers start (one that cannot subscribe says so).
      caps.resources = { listChanged: true, subscribe: true };
      caps.prompts = { listChanged: true };
      caps.completions = {};
      caps.logging = {};
    }
    for (const up of this.#upstreams.announced()) {
      if (up.resources) {
        caps.resources = { listChanged: true, subscribe: Boolean(caps.resources?.subscribe || up.resources.subscribe) };
      }
      if (up.prompts) caps.prompts = { listChanged: true };
      if (up.completions) caps.completions = {};
      if (up.logging) caps.logging = {};
    }
    return caps;
  }

  /**
   * Every tool `server` lists, hidden ones too, for `mcp-warden tools` to show the operator; throws
   * UPSTREAM_UNAVAILABLE. The session hands out no connection: calls go through the pipeline only.
   */
  async listServerTools(server: string): Promise<Tool[]> {
    return (await this.#upstreams.connect(server)).listTools();
  }

  /** The servers that have failed to start so far, in what the agent may be told (see failingServers). */
  failingUpstreams(): FailingServer[] {
    return this.#upstreams.failing();
  }

  /** What `server` announced, if it is connected. */
  info(server: string): UpstreamInfo | undefined {
    return this.#upstreams.info(server);
  }

  /** `server`'s initialize instructions as the agent may see them (withheld when their vetting asks or denies). */
  instructions(server: string): string | undefined {
    return this.#upstreams.instructions(server);
  }

  /**
   * The session's catalog, built on first need (starting lazy servers, and waiting a bounded time for
   * servers on their first start) and rebuilt when a server comes up or its list changes.
   */
  catalog(): Promise<Catalog> {
    return this.#upstreams.catalog();
  }

  /** The tools the agent may see (allow or ask for some arguments). */
  async listTools(): Promise<Tool[]> {
    if (this.#revoked) return [];
    return (await this.#upstreams.catalog()).tools();
  }

  /** Enforces and forwards one tools/call; the only route from an agent to an upstream tool. */
  callTool(params: { name: string; arguments?: unknown; _meta?: JsonObject }, context: CallContext): Promise<CallToolResult> {
    if (this.#closed) throw new WardenError('UPSTREAM_UNAVAILABLE', 'The session is closed');
    if (this.#revoked) throw new WardenError('CALL_DENIED', `Call to "${params.name}" denied: ${this.#revoked}`);
    return enforceCall(this.#ports, params, context);
  }

  // Notifications are advice to the agent (list again, re-read): one that cannot be sent is dropped, since a
  // transport that fails to send is closing, and its close ends the session, which is reported where it happens.
  #onUpstreamNotification(server: string, notification: { method: string; params?: JsonObject }): void {
    if (this.#closed) return;
    if (notification.method === 'notifications/tools/list_changed') {
      // Told only once the upstream set has listed, vetted and filtered the server's tools again.
      this.peer.notify('notifications/tools/list_changed').catch(() => {});
      return;
    }
    if (notification.method === 'notifications/resources/updated') {
      // A URI the agent may not read is not news it may have either.
      const uri = notification.params?.uri;
      if (typeof uri !== 'string') return;
      decideAccessFor(this.#ports, { kind: 'resource', server, name: uri })
        .then((decision) => (decision.verdict === 'deny' || this.#closed ? undefined : this.peer.notify(notification.method, notification.params)))
        .catch(() => {});
      return;
    }
    if (FORWARDED_NOTIFICATIONS.has(notification.method)) {
      const params = notification.method === 'notifications/message' ? { ...notification.params, logger: loggerName(server, notification.params) } : notification.params;
      this.peer.notify(notification.method, params).catch(() => {});
    }
  }

  /** Closes every upstream connection (and so every child process); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.deps.approver.forgetSession?.(this.id);
    await this.#upstreams.close();
    this.deps.observer?.session?.({ type: 'closed', agent: this.agent, session: this.id, at: Date.now() });
  }
}

function quoted(names: string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

function loggerName(server: string, params: JsonObject | undefined): string {
  const logger = typeof params?.logger === 'string' ? params.logger : undefined;
  return logger ? `${server}/${logger}` : server;
}
