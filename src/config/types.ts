// The resolved configuration: gateway.yaml after parsing, ${VAR} expansion, defaults and validation.
// Everything downstream (gateway, fronts, CLI) reads this, never the raw YAML.
import type { EffectivePolicy, Rule, SafetyMode, ServerKind, Setting } from '../policy/types.js';

/** How the gateway answers a changed, new or flagged definition (issue 13; docs/pinning.md). */
export type VettingMode = 'off' | 'warn' | 'ask' | 'deny';
export type NewToolsMode = 'allow' | 'ask' | 'deny';

/** Pinning and scanning settings written at one level (global, environment, server); unset keys are absent. */
export interface VettingSettings {
  pinning?: Setting<VettingMode>;
  newTools?: Setting<NewToolsMode>;
  scanning?: Setting<VettingMode>;
}

/** Per-server overrides of which tools read or write and which argument holds the command, path or SQL. */
export interface InspectOverrides {
  /** Tool globs that only read (bare tool names). */
  readTools?: string[];
  /** Tool globs that write. */
  writeTools?: string[];
  /** Argument names holding the shell command (kind shell), the paths (kind filesystem) or the SQL (kind database). */
  arguments?: string[];
  /** Extra commands for the restricted-shell allowlist. */
  allowCommands?: string[];
  /** Extra sensitive path globs (the server's own, then the top-level ones): refused for reads and writes. */
  sensitivePaths?: string[];
  /** Where each of `sensitivePaths` was written (`gateway.yaml:12:7`), for the reason a denial cites. */
  sensitivePathSources?: Record<string, string>;
  /** Extra SQL functions with side effects. */
  unsafeFunctions?: string[];
}

interface ServerBase {
  id: string;
  kind: ServerKind;
  readonly: Rule[];
  trusted: boolean;
  /** Per-call timeout in milliseconds. */
  timeoutMs: number;
  /** eager: connected when a session opens (its capabilities are announced); lazy: on first tools/list or call. */
  startup: 'lazy' | 'eager';
  /** Started when a session opens, and its failure to start stops the gateway (exit code 1). */
  required?: boolean;
  inspect: InspectOverrides;
  /** SQL dialect for kind database. */
  dialect: 'postgres' | 'mysql' | 'sqlite';
  /** Directories a filesystem server serves (resolved, absolute); for kind filesystem. */
  roots: string[];
  /** True when `roots` was written in the config rather than read from the server's arguments. */
  explicitRoots?: boolean;
  /** `servers.ID.pinning` / `scanning`, when set: win over the environment's and the global ones. */
  vetting?: VettingSettings;
  /** Where the server was declared, `gateway.yaml:3:3`. */
  source: string;
}

export interface StdioServerConfig extends ServerBase {
  transport: 'stdio';
  command: string;
  args: string[];
  /** Added to the minimal inherited environment. */
  env: Record<string, string>;
  /** Absolute working directory. */
  cwd: string;
  /** Largest answer (one stdout line) read from the server; a larger one fails its call. Default 16 MiB. */
  maxResultBytes?: number;
}

export interface RemoteServerConfig extends ServerBase {
  transport: 'http' | 'sse';
  url: string;
  headers: Record<string, string>;
}

export type ServerConfig = StdioServerConfig | RemoteServerConfig;

export interface AgentConfig {
  name: string;
  /** Bearer token for the HTTP front; undefined when the agent has none. */
  token?: string;
  /** The environment variable the token was written as (`${CLAUDE_CODE_TOKEN}`), for start-up hints. */
  tokenVariable?: string;
  /** True when that variable was unset and the `:-default` written in the file is in use. */
  tokenIsDefault?: boolean;
  /** Where approvals of this agent's asks are posted, in addition to the environment's. */
  webhook?: WebhookConfig;
  /** `agents.NAME.approval.channels`: replaces the environment's and the global channels for this agent. */
  approvalChannels?: ApprovalConfig['channels'];
  source: string;
}

export interface WebhookConfig {
  url: string;
  /** HMAC-SHA256 key for the signature header. */
  secret?: string;
}

export interface EnvironmentConfig {
  name: string;
  safety: SafetyMode;
  audit: boolean;
  /** null: every agent is active. */
  agents: string[] | null;
  /** Variables given to stdio upstreams. */
  env: Record<string, string>;
  webhook?: WebhookConfig;
  /** `environments.NAME.approval.channels`: replaces the global channels here. */
  approvalChannels?: ApprovalConfig['channels'];
  /** `environments.NAME.pinning` / `scanning`, when set. */
  vetting?: VettingSettings;
  source: string;
}

export interface ApprovalConfig {
  timeoutMs: number;
  channels: Array<'elicitation' | 'console' | 'webhook'>;
  nonInteractive: 'deny' | 'allow';
  webhook?: WebhookConfig;
  /** Calls of one agent that may wait for approval at once in this gateway; absent means 20. */
  maxPendingPerAgent?: number;
}

export interface AuditConfig {
  /** Absolute path of the JSONL file. */
  path: string;
  /** fsync each batch before the answers of its calls leave. */
  fsync: boolean;
  /** Whether the JSONL file is written: always with the file store; with postgres only when `audit.path` is set. */
  jsonl: boolean;
  /** A call whose record cannot be stored is refused (default true with postgres, false with the file store). */
  required: boolean;
}

/** Where shared state lives: files in the state directory (one machine), or PostgreSQL (many replicas). */
export type StoreConfig = { kind: 'file' } | { kind: 'postgres'; url: string; poolSize: number };

export interface HttpConfig {
  /** Host header values accepted (beyond loopback names). */
  allowedHosts: string[];
  /** Origin values accepted (beyond loopback origins). */
  allowedOrigins: string[];
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** How long a session must go unused before a new session of its agent may take its place. */
  sessionEvictAfterMs: number;
}

export interface ResolvedConfig {
  /** Absolute path of the file read. */
  file: string;
  /** Directory relative paths are resolved against. */
  baseDir: string;
  servers: Record<string, ServerConfig>;
  agents: Record<string, AgentConfig>;
  environments: Record<string, EnvironmentConfig>;
  defaultEnvironment: string;
  toolNames: 'prefixed' | 'passthrough';
  approval: ApprovalConfig;
  audit: AuditConfig;
  store: StoreConfig;
  http: HttpConfig;
  /** The `/metrics` listener of `serve --metrics`. */
  metrics: { token?: string };
  /** Absolute path of the lockfile of pinned definitions (`pinning.lockfile`, default gateway.lock beside the config). */
  lockfile: string;
  /** The top-level `pinning` / `scanning` settings. */
  vetting: VettingSettings;
  /** The merged policy of `agent` in `environment`; throws UNKNOWN_AGENT / UNKNOWN_ENVIRONMENT. */
  policyFor(agent: string, environment: string): EffectivePolicy;
  /** Per-agent working directory for stdio upstreams (the profile's working_dir), absolute, if set. */
  workingDirFor(agent: string): string | undefined;
  /**
   * Server `id` as it is started for `agent`: in the profile's working_dir, with a filesystem
   * server's roots resolved there. Use this, not `servers[id]`, for anything an agent's call touches.
   */
  serverFor(agent: string, id: string): ServerConfig | undefined;
  /** Per-agent per-call timeout from the profile, if set. */
  timeoutFor(agent: string): number | undefined;
  /**
   * Everything one agent in one environment sees of the config, computed on first use and the same
   * object after that; throws UNKNOWN_AGENT / UNKNOWN_ENVIRONMENT. The gateway and the CLI read this.
   */
  agentView(agent: string, environment: string): AgentView;
}

/**
 * One agent's view of the config in one environment. Built once and shared by every session of that
 * agent, so nothing in it may be changed.
 */
export interface AgentView {
  readonly agent: string;
  readonly environment: string;
  /** False when the environment lists its agents and this one is not among them: it reaches nothing. */
  readonly active: boolean;
  /** The merged policy (what `policyFor` gives). */
  readonly effective: EffectivePolicy;
  /** Every configured server as started for this agent (what `serverFor` gives), in file order. */
  readonly servers: ReadonlyMap<string, ServerConfig>;
  /** The agent's approval channels, else the environment's, else the global ones. */
  readonly approvalChannels: ApprovalConfig['channels'];
  /** Where this agent's asks are posted: the agent's webhook, then the environment's. */
  readonly webhooks: WebhookConfig[];
  /** How long an ask waits for a person (`approval.timeout`). */
  readonly approvalTimeoutMs: number;
  /** The profile's per-call timeout, which replaces each server's own; undefined when not set. */
  readonly timeoutMs: number | undefined;
  /** Variables the environment gives stdio upstreams. */
  readonly extraEnv: Readonly<Record<string, string>>;
  readonly toolNames: 'prefixed' | 'passthrough';
}
