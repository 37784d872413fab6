// What the gateway needs from the front it sits behind, and what it is built from. The gateway never
// imports a front: a front hands it an AgentPeer and, per request, a CallContext.
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig, ResolvedConfig } from '../config/types.js';
import type { ConfigSource } from '../config/holder.js';
import type { Upstream, UpstreamHooks } from '../upstream/types.js';
import type { Inspection } from '../policy/types.js';
import type { AuditSink } from '../audit/types.js';
import type { Approver } from '../approval/types.js';
import type { GatewayObserver } from './observer.js';
import type { PinStore } from '../pinning/index.js';

type JsonObject = Record<string, unknown>;

/** The agent's side of the session, as the front exposes it. */
export interface AgentPeer {
  /** What the agent's client declared at initialize. */
  clientCapabilities(): ClientCapabilities | undefined;
  /** The agent's client as it named itself at initialize (`clientInfo`); unverified. */
  clientInfo?(): { name: string; version: string } | undefined;
  /** Sends a notification to the agent (not tied to a request). */
  notify(method: string, params?: JsonObject): Promise<void>;
  /** Sends a request to the agent (not tied to a request). */
  request(method: string, params: JsonObject | undefined, options: { signal?: AbortSignal }): Promise<JsonObject>;
}

/** One request from the agent, as the front received it. */
export interface CallContext {
  /** Aborted when the agent cancels or disconnects. */
  signal: AbortSignal;
  progressToken?: string | number;
  /** Sends a notification related to this request (on HTTP, on this request's stream). */
  sendNotification(method: string, params?: JsonObject): Promise<void>;
  /** Sends a request to the agent related to this request (elicitation, sampling, roots); `timeoutMs` replaces the SDK's 60 s default. */
  sendRequest(method: string, params: JsonObject | undefined, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<JsonObject>;
}

/** Reads a call's arguments for servers with a kind; undefined for generic servers. Never throws. */
export interface ArgumentInspector {
  inspect(server: ServerConfig, tool: string, args: unknown, options: { dangerousPatterns: string[] }): Promise<Inspection | undefined>;
}

export interface UpstreamFactoryOptions {
  hooks: UpstreamHooks;
  extraEnv: Record<string, string>;
  timeoutMs?: number;
  clientCapabilities?: ClientCapabilities;
}

/** Everything a session is built from; the CLI wires the real parts, tests the twins. */
export interface GatewayDeps {
  config: ResolvedConfig;
  environment: string;
  createUpstream(server: ServerConfig, options: UpstreamFactoryOptions): Upstream;
  inspector: ArgumentInspector;
  approver: Approver;
  audit: AuditSink;
  /** Diagnostics for the operator (stderr); never shown to the agent. */
  log?: (message: string) => void;
  /** A server marked `required` cannot start: the gateway must stop, giving this reason (serve exits 1). */
  fatal?: (error: Error) => void;
  /** Told what happens (decisions, upstream states, sessions): the decision log, metrics, status. */
  observer?: GatewayObserver;
  /**
   * The running config when it can be reloaded (`serve`): `config` then reads its current value, and
   * each session follows its changes (new policy from the next call, changed servers restarted).
   */
  configSource?: ConfigSource;
  /** The pins listed definitions are checked against (lockfile, trust on first use); without it pinning is off. */
  pins?: PinStore;
  /** No person answers an ask here (`--non-interactive`, CI): unset pinning and scanning default to deny, not ask. */
  nonInteractive?: boolean;
}
