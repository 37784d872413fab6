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
import { failingServers, findUnavailable, type FailingServer, type UnavailableServer } from './unavailable.js';
import type { AgentRules, ToolLookup, Upstreams } from './ports.js';
import type { AgentPeer, CallContext, GatewayDeps } from './types.js';
import type { UpstreamStateEvent } from './observer.js';
import type { DefinitionVetter } from './definition-vetter.js';
import type { Vetting } from './vetting.js';
import { definitionOf, type ConnectionOptions } from './connection-definition.js';

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
  /** Pins and scans what each server lists; without it nothing is vetted. */
  vetter?: DefinitionVetter;
}

export class UpstreamSet implements ToolLookup, Upstreams {
  readonly #options: UpstreamSetOptions;
  // The agent's rules, replaced as a whole when the config is reloaded (see `reconfigure`).
  #rules: AgentRules;
  #servers: ReadonlyMap<string, ServerConfig>;
  #policy: CompiledPolicy;
  readonly #upstreams = new Map<string, Upstream>();
  readonly #infos = new Map<string, UpstreamInfo>();
  /** Servers whose connection was lost; the next call's connect restarts them, and says so to the observer. */
  readonly #lost = new Set<string>();
  readonly #inflight = new Map<string, CallContext[]>();
  /** Every tool each server listed (hidden ones too): what its resources and prompts follow by default. */
  readonly #toolNames = new Map<string, string[]>();
  /** Every tool each server listed, as listed: filtered again when the policy changes. */
  readonly #listed = new Map<string, Tool[]>();
  /** What each connection was made from; a reload restarts only the servers whose definition changed. */
  readonly #definitions = new Map<string, string>();
  /** Told whenever a call in flight ends, so a replaced connection can close once its calls are done. */
  readonly #callDone = new Set<() => void>();
  /** What the agent's client declared; undefined until `create`. */
  #clientCapabilities: ClientCapabilities | undefined;
  #created = false;
  /** Replaced connections still finishing their calls; closed with the set at the latest. */
  readonly #retiring = new Set<Upstream>();
  /** Made only for a call whose upstream sends the agent a request, so most calls allocate nothing. */
  readonly #callEnded = new WeakMap<CallContext, AbortController>();
  readonly #starts: UpstreamStarts;
  /** The tools of each server that has listed, as this agent may see them. */
  readonly #visible = new Map<string, Tool[]>();
  /** Servers that said their tool list changed; listed again before the next catalog. */
  readonly #stale = new Set<string>();
  /** Servers being listed again: until their new list is vetted, no call is decided on the old one. */
  readonly #relisting = new Set<string>();
  readonly #relistDone = new Map<string, Promise<void>>();
  /** The vetting of each listed tool, by server and tool name. */
  readonly #vettings = new Map<string, Map<string, Vetting>>();
  /** The vetting of each server's initialize instructions. */
  readonly #instructionVettings = new Map<string, Vetting>();
  #catalog: Promise<Catalog> | undefined;
  /** The catalog of the servers up now, for calls that need not wait for any other server. */
  #ready: Catalog | undefined;
  /** The agent has its initialize answer: what changes from now on, it is told. */
  #announced = false;
  #closed = false;

  constructor(options: UpstreamSetOptions) {
    this.#options = options;
    this.#rules = options.rules;
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
    this.#clientCapabilities = clientCapabilities;
    this.#created = true;
    for (const server of this.#servers.values()) this.#createOne(server);
  }

  /** What a connection to `server` is created with, under the current rules. */
  #connectionOptions(server: ServerConfig): ConnectionOptions {
    const { view } = this.#rules;
    return {
      extraEnv: { ...view.extraEnv },
      timeoutMs: view.timeoutMs ?? server.timeoutMs,
      clientCapabilities: upstreamClientCapabilities(this.#clientCapabilities, server, this.#policy),
    };
  }

  #createOne(server: ServerConfig): void {
    const options = this.#connectionOptions(server);
    // A connection replaced on a reload may still finish its calls; what it says after that is not news.
    const current = (): boolean => this.#upstreams.get(server.id) === upstream;
    const hooks: UpstreamHooks = {
      onNotification: (notification) => {
        if (current()) this.#onNotification(server.id, notification);
      },
      onRequest: (request, options) => this.#options.onRequest(server.id, request, options),
      onDisconnect: (error) => {
        if (!current()) return;
        // Said to the operator by the decision log (an observer), like every state change.
        this.#lost.add(server.id);
        this.#tell(server.id, 'down', { error: error.message });
      },
    };
    const upstream = this.#options.deps.createUpstream(server, { hooks, ...options });
    this.#upstreams.set(server.id, upstream);
    this.#definitions.set(server.id, definitionOf(server, options));
  }

  /**
   * Applies the agent's rules from a reloaded config, at once for every call that starts from now on
   * (a call already under way keeps the rules it started with). Tool lists are filtered again by the
   * new policy; a server whose definition changed (command, args, env, URL, ...) gets a new connection,
   * started again if the old one had been; a server no longer configured is closed; a new one is
   * created like the others. A replaced connection closes once the calls in flight on it are done.
   */
  reconfigure(rules: AgentRules): { restarted: string[]; removed: string[]; added: string[] } {
    const changes = { restarted: [] as string[], removed: [] as string[], added: [] as string[] };
    if (this.#closed) return changes;
    const previous = this.#servers;
    this.#rules = rules;
    this.#servers = rules.view.servers;
    this.#policy = rules.policy;
    for (const id of previous.keys()) {
      if (this.#servers.has(id)) continue;
      this.#retire(id);
      changes.removed.push(id);
    }
    for (const server of this.#servers.values()) {
      if (!this.#created) break;
      const old = this.#upstreams.get(server.id);
      if (old && this.#definitions.get(server.id) === definitionOf(server, this.#connectionOptions(server))) continue;
      const wasStarted = old !== undefined && this.#starts.state(server.id).state !== 'idle';
      if (old) this.#retire(server.id);
      this.#createOne(server);
      (old ? changes.restarted : changes.added).push(server.id);
      if (wasStarted || server.startup === 'eager' || server.required) this.#starts.begin(server.id);
    }
    for (const [server, tools] of this.#listed) this.#filterTools(server, tools);
    this.#catalog = undefined;
    this.#ready = undefined;
    return changes;
  }

  /** Takes `server`'s connection out of the set now, and closes it once the calls in flight on it have ended. */
  #retire(server: string): void {
    const upstream = this.#upstreams.get(server);
    for (const map of [this.#upstreams, this.#infos, this.#visible, this.#listed, this.#toolNames, this.#definitions]) map.delete(server);
    this.#stale.delete(server);
    this.#lost.delete(server);
    this.#starts.forget(server);
    if (!upstream) return;
    const calls = [...(this.#inflight.get(server) ?? [])];
    // Bounded by the longest a call may take; an upstream's own deadline ends its calls by then.
    const boundMs = (this.#rules.view.timeoutMs ?? this.#servers.get(server)?.timeoutMs ?? 60_000) + 1_000;
    this.#retiring.add(upstream);
    void this.#drained(server, calls, boundMs)
      .then(() => upstream.close())
      .finally(() => this.#retiring.delete(upstream))
      .catch((error: unknown) => this.#options.deps.log?.(`Closing the replaced connection to upstream "${server}" failed: ${(error as Error).message}`))
      .finally(() => this.#tell(server, 'stopped'));
  }

  #drained(server: string, calls: CallContext[], boundMs: number): Promise<void> {
    const pending = (): boolean => calls.some((call) => this.#inflight.get(server)?.includes(call));
    if (!pending()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#callDone.delete(check);
        resolve();
      };
      const check = (): void => {
        if (!pending()) done();
      };
      const timer = setTimeout(done, boundMs);
      this.#callDone.add(check);
    });
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
    let info: UpstreamInfo;
    try {
      info = await upstream.connect(signal);
    } catch (error) {
      if (restarting && this.#upstreams.get(server) === upstream) {
        this.#lost.add(server);
        this.#tell(server, 'failed', { error: error instanceof Error ? error.message : String(error) });
      }
      throw error;
    }
    // A connection replaced meanwhile (config reload) still serves the call that asked, but is no longer the server's.
    if (this.#upstreams.get(server) === upstream) {
      this.#infos.set(server, info);
      if (restarting) this.#tell(server, 'up', { attempts: 1 });
    }
    return upstream;
  }

  info(server: string): UpstreamInfo | undefined {
    return this.#infos.get(server);
  }

  /** `server`'s initialize instructions as the agent may see them: withheld when their vetting asks or denies. */
  instructions(server: string): string | undefined {
    const response = this.#instructionVettings.get(server)?.response;
    return response === 'ask' || response === 'deny' ? undefined : this.#infos.get(server)?.instructions;
  }

  catalog(): Promise<Catalog> {
    this.#catalog ??= this.#buildCatalog().catch((error) => {
      this.#catalog = undefined;
      throw error;
    });
    return this.#catalog;
  }

  readyCatalog(): Catalog | undefined {
    if (this.#stale.size > 0 || this.#relisting.size > 0) return undefined;
    this.#ready ??= this.#build();
    return this.#ready;
  }

  async reachableServers(): Promise<string[]> {
    // An agent the environment does not list reaches nothing, not even servers without tools.
    if (!this.#rules.view.active) return [];
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
      passthrough: this.#rules.view.toolNames === 'passthrough',
      state: (server) => this.#starts.state(server),
      visible: (server, tool) => visibility(this.#policy, server, tool).verdict !== 'deny',
    });
  }

  /** The servers whose start has failed so far, as the agent may be told of them (see failingServers). */
  failing(): FailingServer[] {
    return failingServers({
      servers: [...this.#servers.keys()],
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
      for (const check of [...this.#callDone]) check();
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
    await Promise.allSettled([...this.#upstreams.values(), ...this.#retiring].map((upstream) => upstream.close()));
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
      this.#ready = undefined;
      // No window (issue 13): the list is read, vetted and filtered again before the agent is told, and
      // a call meanwhile waits for that catalog (readyCatalog is undefined while a list is stale).
      this.catalog()
        .catch(() => undefined)
        .then(() => {
          if (!this.#closed) this.#options.onNotification(server, notification);
        })
        .catch(() => {});
      return;
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
    // A list another build started is not over yet: this catalog waits for it too.
    while (this.#relisting.size > 0) await Promise.all([...this.#relistDone.values()]);
    return this.#build();
  }

  #build(): Catalog {
    const vettings = new Map<string, Vetting>();
    for (const [server, byTool] of this.#vettings) for (const [tool, vetting] of byTool) vettings.set(`${server}/${tool}`, vetting);
    return Catalog.build(this.#visible, this.#rules.view.toolNames, vettings);
  }

  /** One start attempt as the retry loop makes it: connected, and its tools read. */
  async #bringUp(server: string): Promise<void> {
    this.#tell(server, 'starting');
    // This attempt is the restart; #connect need not announce another.
    this.#lost.delete(server);
    const upstream = await this.#connect(server);
    this.#stale.delete(server);
    const info = this.#infos.get(server);
    const tools = info?.capabilities.tools ? await upstream.listTools() : [];
    if (this.#upstreams.get(server) !== upstream) return;
    await this.#vet(server, tools, { instructions: info?.instructions });
    if (this.#upstreams.get(server) === upstream) this.#setTools(server, tools);
  }

  async #listAgain(server: string): Promise<void> {
    if (!this.#stale.delete(server) || this.#starts.state(server).state !== 'up') return;
    this.#relisting.add(server);
    const done = (async () => {
      try {
        const tools = await (await this.#connect(server)).listTools();
        await this.#vet(server, tools, undefined);
        this.#setTools(server, tools);
      } catch (error) {
        // The previous list stays; a call to a tool that went away is the upstream's to refuse.
        this.#options.deps.log?.(`Tools of upstream "${server}" could not be listed again: ${(error as Error).message}`);
      } finally {
        this.#relisting.delete(server);
        this.#relistDone.delete(server);
      }
    })();
    this.#relistDone.set(server, done);
    await done;
  }

  /** Vets what `server` listed; `connected` carries its instructions when it has just connected (they are fixed for a connection). */
  async #vet(server: string, tools: Tool[], connected: { instructions: string | undefined } | undefined): Promise<void> {
    const { vetter } = this.#options;
    if (!vetter) return;
    const vetted = await vetter.vetServer(server, { tools, instructions: connected?.instructions });
    this.#vettings.set(server, vetted.tools);
    if (!connected) return;
    if (vetted.instructions) this.#instructionVettings.set(server, vetted.instructions);
    else this.#instructionVettings.delete(server);
  }

  #setTools(server: string, tools: Tool[]): void {
    this.#toolNames.set(server, tools.map((tool) => tool.name));
    this.#listed.set(server, tools);
    this.#filterTools(server, tools);
    this.#catalog = undefined;
    this.#ready = undefined;
  }

  #filterTools(server: string, tools: Tool[]): void {
    this.#visible.set(
      server,
      tools.filter((tool) => visibility(this.#policy, server, tool.name, tool.annotations).verdict !== 'deny'),
    );
  }

  #onUp(server: string, attempts: number): void {
    if (this.#closed) return;
    this.#tell(server, 'up', { attempts });
    if (!this.#announced) return;
    // A late or recovered server: the agent has been told what there was without it. A notification that
    // cannot be sent is dropped: it is advice to list again, and a failing transport is closing anyway.
    const { peer } = this.#options;
    if ((this.#visible.get(server)?.length ?? 0) > 0) peer.notify('notifications/tools/list_changed').catch(() => {});
    const offers = this.#infos.get(server)?.capabilities;
    if (offers?.resources) peer.notify('notifications/resources/list_changed').catch(() => {});
    if (offers?.prompts) peer.notify('notifications/prompts/list_changed').catch(() => {});
  }

  #warnAgent(server: string): void {
    const told = this.failing().find((failing) => failing.server === server);
    if (!told) return;
    // Advice, like list_changed: a client that did not get the logging capability, or a closing transport, drops it.
    const data = `${told.message}. mcp-warden keeps trying to start it; its tools appear once it is up, and the agent is told with notifications/tools/list_changed`;
    this.#options.peer.notify('notifications/message', { level: 'warning', logger: 'mcp-warden', data }).catch(() => {});
  }

  #onStartFailure(server: string, error: WardenError, attempts: number, retryInMs: number): void {
    if (this.#closed) return;
    const { fatal } = this.#options.deps;
    const required = Boolean(this.#servers.get(server)?.required && fatal);
    this.#tell(server, 'failed', { attempts, error: error.message, ...(required ? {} : { retryInMs }) });
    // A server that stops working after the agent has its initialize answer (whose instructions named
    // the ones failing then): said once per run of failures, to clients that show server logs.
    if (attempts === 1 && this.#announced && !required) this.#warnAgent(server);
    if (required && fatal) {
      // No more attempts of any server: the gateway is stopping.
      this.#starts.close();
      fatal(new WardenError('UPSTREAM_UNAVAILABLE', `Required upstream "${server}" cannot start: ${error.message.replace(/^Cannot (?:start|connect to) upstream "[^"]*": /, '')}`, { cause: error }));
    }
  }
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
