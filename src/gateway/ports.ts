// The narrow interfaces the enforcement steps take instead of the session: the agent's rules, the
// tool catalog, the upstream connections, who the session is, and the parts every step writes to.
// The session implements them; a test builds them in memory, with no session and no process.
import type { AccessKind, CompiledPolicy } from '../policy/index.js';
import type { Decision } from '../policy/types.js';
import type { AgentView } from '../config/types.js';
import type { Upstream, UpstreamInfo } from '../upstream/types.js';
import type { Catalog } from './catalog.js';
import type { CallToDecide } from './decide-call.js';
import type { UnavailableServer } from './unavailable.js';
import type { AgentPeer, CallContext, GatewayDeps } from './types.js';
import type { DefinitionChecks } from './definition-vetter.js';

/** Who a request comes from: the head of every audit record and approval ticket. */
export interface SessionIdentity {
  readonly id: string;
  readonly agent: string;
  readonly environment: string;
}

/** The agent's rules: its view of the config, compiled once, and the call decider `explain` shares. */
export interface AgentRules {
  readonly view: AgentView;
  readonly policy: CompiledPolicy;
  /** Inspects and decides one call; never throws for a denial. */
  decideCall(call: CallToDecide): Promise<Decision>;
}

/** The tools (and servers) this agent may reach, as the upstreams have listed them. */
export interface ToolLookup {
  /** The catalog of the servers up now, without starting or waiting for any; undefined while a list is stale. */
  readyCatalog(): Catalog | undefined;
  /** The full catalog: starts lazy servers and waits (bounded) for servers on their first start. */
  catalog(): Promise<Catalog>;
  /** Why a name the catalog does not hold cannot be served (its server is not up); undefined when simply unknown. */
  unavailable(exposed: string): UnavailableServer | undefined;
  /** Every tool `server` listed, allowed or not: what its resources and prompts follow by default. */
  serverToolNames(server: string): Promise<string[]>;
  /** Servers the agent may talk to at all: those with a visible tool, or with no tools. */
  reachableServers(): Promise<string[]>;
  /** Connected servers whose resources (or prompts) the agent may reach at all; each request is still decided. */
  accessibleServers(kind: AccessKind): Promise<string[]>;
}

/** The session's upstream connections. The only holder of an `Upstream` the enforcement steps see. */
export interface Upstreams {
  /** The connection to `server`, connected; throws UPSTREAM_UNAVAILABLE. */
  connect(server: string, signal?: AbortSignal): Promise<Upstream>;
  /** What `server` announced, if it is connected. */
  info(server: string): UpstreamInfo | undefined;
  /** Marks `context` as in flight on `server` while `work` runs, so the upstream's own requests reach that call. */
  withInflight<T>(server: string, context: CallContext, work: () => Promise<T>): Promise<T>;
}

/** Everything the enforcement steps (`enforceCall`, `enforceAccess`, `Passthrough`, `relayUpstreamRequest`) take. */
export interface GatewayPorts {
  readonly identity: SessionIdentity;
  readonly rules: AgentRules;
  readonly tools: ToolLookup;
  readonly upstreams: Upstreams;
  readonly peer: AgentPeer;
  readonly deps: Pick<GatewayDeps, 'approver' | 'audit' | 'log'>;
  /** Refreshes and trusts vetted definitions; absent where nothing is vetted. */
  readonly definitions?: DefinitionChecks;
}
