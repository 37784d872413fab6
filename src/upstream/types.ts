// The seam between the gateway and one upstream tool server. The gateway only speaks to this
// interface; stdio children, remote HTTP/SSE servers and in-memory test servers all sit behind it.
import type { ServerCapabilities, Implementation, Tool, CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';

/** What the upstream announced at initialize. */
export interface UpstreamInfo {
  capabilities: ServerCapabilities;
  serverInfo?: Implementation;
  instructions?: string;
}

export interface UpstreamRequestOptions {
  /** The agent's abort signal; aborting sends notifications/cancelled upstream. */
  signal?: AbortSignal;
  /** Deadline for this request in milliseconds. */
  timeoutMs?: number;
  /** Called for each progress notification the upstream sends for this request. */
  onprogress?: (progress: Progress) => void;
}

/** Messages the upstream sends on its own, handed to whoever owns the connection (the agent's session). */
export interface UpstreamHooks {
  /** Server→client notifications (tools/list_changed, resources/updated, logging messages, ...). */
  onNotification?(notification: { method: string; params?: Record<string, unknown> }): void;
  /** Server→client requests (elicitation/create, sampling/createMessage, roots/list). */
  onRequest?(
    request: { method: string; params?: Record<string, unknown> },
    options: { signal: AbortSignal },
  ): Promise<Record<string, unknown>>;
  /** The connection was lost (child exited, socket closed); it restarts on next use. */
  onDisconnect?(error: Error): void;
}

/** One upstream server connection. Starts lazily on first use and restarts with backoff after a crash. */
export interface Upstream {
  readonly id: string;
  /** Connects if needed and returns what the server announced; throws UPSTREAM_UNAVAILABLE. */
  connect(signal?: AbortSignal): Promise<UpstreamInfo>;
  /** All tools, following pagination. */
  listTools(options?: UpstreamRequestOptions): Promise<Tool[]>;
  /** Forwards one tool call; throws UPSTREAM_TIMEOUT, UPSTREAM_EXITED or UPSTREAM_ERROR, or CANCELLED on abort. */
  callTool(
    params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> },
    options?: UpstreamRequestOptions,
  ): Promise<CallToolResult>;
  /** Forwards any other request (resources/*, prompts/*, completion/complete, logging/setLevel, ping) unchanged. */
  request(method: string, params: Record<string, unknown> | undefined, options?: UpstreamRequestOptions): Promise<Record<string, unknown>>;
  /** Forwards a client→server notification (e.g. notifications/roots/list_changed). */
  notify(method: string, params?: Record<string, unknown>): Promise<void>;
  /** Milliseconds until a new start may begin after a failed start or a crash (restart backoff); 0 when one may begin now. */
  retryInMs?(): number;
  /** Closes the connection and, for stdio, ends the child and its process group. Idempotent. */
  close(): Promise<void>;
}
