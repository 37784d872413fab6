// Builds the Upstream for one configured server: a stdio child or a remote HTTP/SSE connection.
import type { ServerConfig } from '../config/types.js';
import type { ClientCapabilities, Implementation } from '@modelcontextprotocol/sdk/types.js';
import { ClientUpstream } from './client-upstream.js';
import type { ChildRegistry } from './child-registry.js';
import { ChildTransport, writeToStderr, type StderrSink } from './child-transport.js';
import { createRemoteTransport } from './remote-transport.js';
import type { BackoffOptions } from './restart-backoff.js';
import type { Upstream, UpstreamHooks } from './types.js';

export interface CreateUpstreamOptions {
  hooks?: UpstreamHooks;
  /** The environment's `env`, added after the server's own (stdio only). */
  extraEnv?: Record<string, string>;
  /** Overrides the server's cwd: the profile's working_dir (stdio only). */
  cwd?: string;
  /** Per-call deadline; the server's `timeout` when absent. */
  timeoutMs?: number;
  /** What the agent's client declared, so the upstream may ask it for elicitation, sampling or roots. */
  clientCapabilities?: ClientCapabilities;
  clientInfo?: Implementation;
  /** Where a stdio server's stderr lines go (prefixed `[id] `); also receives garbage-on-stdout reports. */
  stderr?: StderrSink;
  backoff?: BackoffOptions;
  /** Records each stdio child's process group while it runs, so the CLI can signal them all at once. */
  children?: ChildRegistry;
}

/** The Upstream for `config`; nothing starts until its first use or connect(). */
export function createUpstream(config: ServerConfig, options: CreateUpstreamOptions = {}): Upstream {
  const sink = options.stderr ?? writeToStderr;
  const common = {
    id: config.id,
    hooks: options.hooks,
    clientInfo: options.clientInfo,
    capabilities: options.clientCapabilities,
    timeoutMs: options.timeoutMs ?? config.timeoutMs,
    backoff: options.backoff,
    onError: (error: Error) => sink(`[${config.id}] ${error.message}`),
  };
  if (config.transport === 'stdio') {
    return new ClientUpstream({
      ...common,
      target: `command "${config.command}"`,
      connectTransport: () =>
        new ChildTransport({
          id: config.id,
          command: config.command,
          args: config.args,
          cwd: options.cwd ?? config.cwd,
          env: { ...config.env, ...options.extraEnv },
          stderr: sink,
          maxMessageBytes: config.maxResultBytes,
          children: options.children,
        }),
    });
  }
  return new ClientUpstream({
    ...common,
    target: `url "${config.url}"`,
    startVerb: 'connect to',
    connectTransport: () => createRemoteTransport({ url: config.url, transport: config.transport, headers: config.headers }),
  });
}
