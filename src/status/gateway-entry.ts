// What a running gateway tells `mcp-warden status` about itself: one record per process, rewritten
// as its sessions and upstreams change. Data only; the status command words it.
import type { ConfigState } from '../config/holder.js';

/** Where one upstream of one session stands, as the gateway last saw it. */
export interface UpstreamEntry {
  /**
   * `not-started`: no attempt yet (a lazy server before its first need); `failed`: every attempt of
   * this session failed; `restarting`: it was up, and attempts to bring it back fail; `down`: it was
   * up and the connection was lost (it restarts on the next call).
   */
  state: 'not-started' | 'starting' | 'up' | 'failed' | 'restarting' | 'down' | 'stopped';
  /** Configured `startup: lazy`: started on first need, so `not-started` is normal. */
  lazy?: boolean;
  /** Start attempts in the current run of attempts. */
  attempts?: number;
  /** Why the last attempt failed or the connection was lost (the operator's words; may hold paths). */
  error?: string;
  /** When the next attempt begins (epoch ms); absent when none is planned or one is under way. */
  retryAt?: number;
  /** After failures: an attempt is under way now. */
  retrying?: boolean;
  /** When it entered this state (epoch ms). */
  since: number;
}

export interface SessionEntry {
  id: string;
  agent: string;
  /** The agent's client as it named itself at initialize (unverified). */
  client?: { name: string; version: string };
  openedAt: number;
  /** By server id, in config order. */
  upstreams: Record<string, UpstreamEntry>;
}

export interface GatewayEntry {
  pid: number;
  /** With the PostgreSQL store: the replica id (its lease), so the console and tickets can name it. */
  replica?: string;
  host: string;
  /** The process start time (Linux /proc), so a reused pid is not taken for this gateway. */
  started?: string;
  kind: 'stdio' | 'http';
  /** The agent a stdio gateway serves. */
  agent?: string;
  /** Where an HTTP gateway listens (its MCP endpoint). */
  url?: string;
  /** The gateway.yaml it serves (absolute). */
  config: string;
  environment: string;
  startedAt: number;
  /** The approval console this gateway serves or shares (the base URL, without the token). */
  console?: { url: string; shared: boolean };
  /** Where the running config stands (hot reload): stale, with the located error, when a reload failed. */
  configState?: ConfigState;
  sessions: SessionEntry[];
  updatedAt: number;
}
