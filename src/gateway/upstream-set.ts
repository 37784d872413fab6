// One session's upstream connections and the catalog kept from them: starting each server (eager
// ones at initialize, lazy ones on first need, failed ones again on the backoff), listing its tools
// and filtering them by the agent's rules, and knowing which call is in flight on which server. The
// `ToolLookup` and `Upstreams` ports of a session; it tells the session what changed through hooks.
import type { ClientCapabilities, ServerCapabilities, Tool } from '@modelcontextprotocol/sdk/types.js';
import { WardenError } from '../errors.js';
import { decideUpstreamRequest, serverToolVerdict, visibility, type AccessKind, type CompiledPolicy } from '../policy/index.js';
import type { ServerConfig } from '../config/types.js';
import type { Upstream, UpstreamHooks, UpstreamInfo } from '../upstream/types.js';
import { Catalog } from './catalog.js';
import { UpstreamStarts } from './upstream-starts.js';
import { findUnavailable, type UnavailableServer } from './unavailable.js';
import type { AgentRules, ToolLookup, Upstreams } from './ports.js';
import type { AgentPeer, CallContext, GatewayDeps } from './types.js';
import type { UpstreamStateEvent } from './observer.js';

type JsonObject = Record<string, unknown>;

/** How long tools/list (and the other lists) wait for servers still on their first start. */
const LIST_WAIT_MS = 5_000;
/** A wait with no bound of ours (a required server's first attempt ends at its connect timeout). */
const NO_BOUND_MS = 2 ** 31 - 1;

export interface UpstreamSetOptions {
  rules: AgentRules;
  deps: Pick<GatewayDeps, 'createUpstream' | 'log' | 'fatal' | 'observer'>;
  /** Who this set serves, for the observer's upstream events. */
  identity: { agent: string; session: string };
  /** Told when a late or recovered server comes up (once the agent has its initialize answer); asked what an upstream asks outside any call. */
  peer: Pick<AgentPeer, 'notify' | 'request'>;
  /** What each upstream sends on its own (notifications, requests to the agent), by server. */
  onNotification(server: string, notification: { method: string; params?: JsonObject }): void;
  onRequest(server: string, request: { method: string; params?: JsonObject }, options: { signal: AbortSignal }): Promise<JsonObject>;
}

export class UpstreamSet implements ToolLookup, Upstreams {
  readonly #options: UpstreamSetOptions;
  readonly #servers: ReadonlyMap<string, ServerConfig>;
  readonly #policy: CompiledPolicy;
  readonly #upstreams = new Map<string, Upstream>();
  readonly #infos = new Map<string, UpstreamInfo>();
  /** Servers whose connection was lost; the next call's connect restarts them, and says so to the observer. */
  readonly #lost = new Set<string>();
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

  constructor(options: UpstreamSetOptions) {
    this.#options = options;
    this.#servers = options.rules.view.servers;
    this.#policy = options.rules.policy;
    this.#starts = new UpstreamStarts({
      bringUp: (server) => this.#bringUp(server),
      retryInMs: (server) => this.#upstreams.get(server)?.retryInMs?.() ?? 0,
      onUp: (server, attempts) => this.#onUp(server, attempts),
      onFailure: (server, error, attempts, retryInMs) => this.#onStartFailure(server, error, attempts, retryInMs),
    });
  }

  /** Creates one connection per server, offering upstreams only what the agent's client can answer. */
  create(clientCapabilities: ClientCapabilities | undefined): void {
    const { view } = this.#options.rules;
    for (const server of this.#servers.values()) {
      const hooks: UpstreamHooks = {
        onNotification: (notification) => this.#onNotification(server.id, notification),
        onRequest: (request, options) => this.#options.onRequest(server.id, request, options),
        onDisconnect: (error) => {
          this.#options.deps.log?.(`Upstream "${server.id}" disconnected: ${error.message}`);
          this.#lost.add(server.id);
          this.#tell(server.id, 'down', { error: error.message });
        },
      };
      this.#upstreams.set(
        server.id,
        this.#options.deps.createUpstream(server, {
          hooks,
          extraEnv: { ...view.extraEnv },
          timeoutMs: view.timeoutMs ?? server.timeoutMs,
          clientCapabilities: upstreamClientCapabilities(clientCapabilities, server, this.#policy),
        }),
      );
    }
  }

  /** Begins starting `servers` in the background and waits for their first attempts until `deadline` (epoch ms). */
  async startEager(deadline: number): Promise<void> {
    const eager = [...this.#servers.values()].filter((server) => server.startup === 'eager' || server.required).map((server) => server.id);
    for (const server of eager) this.#starts.begin(server);
    await this.#starts.firstAttempts(eager, deadline);
    this.#announced = true;
  }

  /** True while some server has not connected yet (late, failing or lazy). */
  someNotUp(): boolean {
    for (const server of this.#servers.keys()) if (!this.#infos.has(server)) return true;
    return false;
  }

  /** What each connected server announced. */
  announced(): Iterable<ServerCapabilities> {
    return [...this.#infos.values()].map((info) => info.capabilities);
  }

  async connect(server: string, signal?: AbortSignal): Promise<Upstream> {
    try {
      return await this.#connect(server, signal);
    } catch (error) {
      this.#options.deps.log?.(`Cannot connect to upstream "${server}": ${(error as Error).message}`);
      throw error;
    }
  }

  async #connect(server: string, signal?: AbortSignal): Promise<Upstream> {
    const upstream = this.#upstreams.get(server);
    if (!upstream) throw new WardenError('UPSTREAM_UNAVAILABLE', `Upstream "${server}" is not configured`);
    const restarting = this.#lost.delete(server);
    if (restarting) this.#tell(server, 'starting');
    try {
      this.#infos.set(server, await upstream.connect(signal));
    } catch (error) {
      if (restarting) {
        this.#lost.add(server);
        this.#tell(server, 'failed', { error: error instanceof Error ? error.message : String(error) });
      }
      throw error;
    }
    if (restarting) this.#tell(server, 'up', { attempts: 1 });
    return upstream;
  }

  info(server: string): UpstreamInfo | undefined {
    return this.#infos.get(server);
  }

  catalog(): Promise<Catalog> {
    this.#catalog ??= this.#buildCatalog().catch((error) => {
      this.#catalog = undefined;
      throw error;
    });
    return this.#catalog;
  }

  readyCatalog(): Catalog | undefined {
    if (this.#stale.size > 0) return undefined;
    this.#ready ??= Catalog.build(this.#visible, this.#options.rules.view.toolNames);
    return this.#ready;
  }

  async reachableServers(): Promise<string[]> {
    // An agent the environment does not list reaches nothing, not even servers without tools.
    if (!this.#options.rules.view.active) return [];
    const catalog = await this.catalog();
    const withVisible = new Set(catalog.tools().map((tool) => catalog.lookup(tool.name)!.server));
    return [...this.#infos.keys()].filter((server) => withVisible.has(server) || !this.#infos.get(server)?.capabilities.tools);
  }

  async serverToolNames(server: string): Promise<string[]> {
    await this.catalog();
    return this.#toolNames.get(server) ?? [];
  }

  /**
   * Those with a tool the agent may use by name, and those a `resource:` / `prompt:` allow or ask rule
   * is written for.
   */
  async accessibleServers(kind: AccessKind): Promise<string[]> {
    if (this.#policy.inactiveAgent) return [];
    await this.catalog();
    return [...this.#infos.keys()].filter(
      (server) => this.#policy.access[kind].namesServer(server) || serverToolVerdict(this.#policy, server, this.#toolNames.get(server) ?? []) !== 'deny',
    );
  }

  unavailable(exposed: string): UnavailableServer | undefined {
    return findUnavailable(exposed, {
      servers: [...this.#servers.keys()],
      passthrough: this.#options.rules.view.toolNames === 'passthrough',
      state: (server) => this.#starts.state(server),
      visible: (server, tool) => visibility(this.#policy, server, tool).verdict !== 'deny',
    });
  }

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

  /**
   * Sends a request of `server`'s to the call that caused it, else to the agent at large. The wire
   * does not say which call a server's request belongs to: with one call in flight on that server it
   * is that one; with several, the newest that the agent has not cancelled (the front carries it on
   * another open stream if that call's has closed).
   */
  askAgent(server: string, method: string, params: JsonObject | undefined, signal: AbortSignal): Promise<JsonObject> {
    const inflight = this.#inflight.get(server)?.filter((call) => !call.signal.aborted);
    const context = inflight?.[inflight.length - 1];
    if (!context) return this.#options.peer.request(method, params, { signal });
    // A prompt sent for a call is withdrawn when that call ends (a timeout), not only when the upstream cancels.
    let ended = this.#callEnded.get(context);
    if (!ended) this.#callEnded.set(context, (ended = new AbortController()));
    return context.sendRequest(method, params, { signal: AbortSignal.any([signal, ended.signal]) });
  }

  /** Closes every connection (and so every child process); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#starts.close();
    await Promise.allSettled([...this.#upstreams.values()].map((upstream) => upstream.close()));
    for (const server of this.#infos.keys()) this.#tell(server, 'stopped');
  }

  #tell(server: string, state: UpstreamStateEvent['state'], details: Partial<UpstreamStateEvent> = {}): void {
    const { observer } = this.#options.deps;
    if (!observer?.upstream) return;
    const { agent, session } = this.#options.identity;
    observer.upstream({ ...details, server, agent, session, state, at: Date.now() });
  }

  #onNotification(server: string, notification: { method: string; params?: JsonObject }): void {
    if (this.#closed) return;
    if (notification.method === 'notifications/tools/list_changed') {
      this.#stale.add(server);
      this.#catalog = undefined;
    }
    this.#options.onNotification(server, notification);
  }

  async #buildCatalog(): Promise<Catalog> {
    for (const server of this.#upstreams.keys()) this.#starts.begin(server);
    const now = Date.now();
    const required = [...this.#servers.values()].filter((server) => server.required).map((server) => server.id);
    const others = [...this.#servers.keys()].filter((server) => !required.includes(server));
    await Promise.all([this.#starts.firstAttempts(others, now + LIST_WAIT_MS), this.#starts.firstAttempts(required, now + NO_BOUND_MS)]);
    await Promise.all([...this.#stale].map((server) => this.#listAgain(server)));
    return Catalog.build(this.#visible, this.#options.rules.view.toolNames);
  }

  /** One start attempt as the retry loop makes it: connected, and its tools read. */
  async #bringUp(server: string): Promise<void> {
    this.#tell(server, 'starting');
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
      this.#options.deps.log?.(`Tools of upstream "${server}" could not be listed again: ${(error as Error).message}`);
    }
  }

  #setTools(server: string, tools: Tool[]): void {
    this.#toolNames.set(server, tools.map((tool) => tool.name));
    this.#visible.set(
      server,
      tools.filter((tool) => visibility(this.#policy, server, tool.name, tool.annotations).verdict !== 'deny'),
    );
    this.#catalog = undefined;
    this.#ready = undefined;
  }

  #onUp(server: string, attempts: number): void {
    if (this.#closed) return;
    this.#tell(server, 'up', { attempts });
    if (attempts > 1) this.#options.deps.log?.(`Upstream "${server}" is up after ${attempts} attempts`);
    if (!this.#announced) return;
    // A late or recovered server: the agent has been told what there was without it. A notification that
    // cannot be sent is dropped: it is advice to list again, and a failing transport is closing anyway.
    const { peer } = this.#options;
    if ((this.#visible.get(server)?.length ?? 0) > 0) peer.notify('notifications/tools/list_changed').catch(() => {});
    const offers = this.#infos.get(server)?.capabilities;
    if (offers?.resources) peer.notify('notifications/resources/list_changed').catch(() => {});
    if (offers?.prompts) peer.notify('notifications/prompts/list_changed').catch(() => {});
  }

  #onStartFailure(server: string, error: WardenError, attempts: number, retryInMs: number): void {
    if (this.#closed) return;
    const { fatal, log } = this.#options.deps;
    const required = Boolean(this.#servers.get(server)?.required && fatal);
    this.#tell(server, 'failed', { attempts, error: error.message, ...(required ? {} : { retryInMs }) });
    if (required && fatal) {
      // No more attempts of any server: the gateway is stopping.
      this.#starts.close();
      fatal(new WardenError('UPSTREAM_UNAVAILABLE', `Required upstream "${server}" cannot start: ${error.message.replace(/^Cannot (?:start|connect to) upstream "[^"]*": /, '')}`, { cause: error }));
      return;
    }
    // Said once per attempt, and less often as the failures go on: a server that stays down is
    // retried every 10 s for as long as the session lasts.
    if (attempts <= 3 || Number.isInteger(Math.log2(attempts))) {
      log?.(`${error.message} (attempt ${attempts}; next in ${formatDelay(retryInMs)})`);
    }
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/**
 * Upstreams may ask the agent only for what the agent's client can answer. Roots are withheld from
 * filesystem servers: the official one replaces its configured directories with the client's roots,
 * which would let an agent widen what the operator allowed.
 */
function upstreamClientCapabilities(agent: ClientCapabilities | undefined, server: ServerConfig, policy: CompiledPolicy): ClientCapabilities {
  const caps: ClientCapabilities = {};
  // A server the profile does not let ask is not told it could (a request it sends anyway is refused).
  const may = (method: string) => decideUpstreamRequest(policy, { server: server.id, method, declared: true }).verdict === 'allow';
  if (agent?.elicitation && may('elicitation/create')) caps.elicitation = agent.elicitation;
  if (agent?.sampling && may('sampling/createMessage')) caps.sampling = agent.sampling;
  if (agent?.roots && server.kind !== 'filesystem') caps.roots = { listChanged: Boolean(agent.roots.listChanged) };
  return caps;
}
