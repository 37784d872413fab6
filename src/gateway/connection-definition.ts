// When a reloaded config changes a server enough that its connection must be made again: the fields
// that start or reach the server, and the options the connection was created with.
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from '../config/types.js';

/** What a session creates each upstream connection with, besides the server's own definition. */
export interface ConnectionOptions {
  extraEnv: Record<string, string>;
  timeoutMs: number | undefined;
  clientCapabilities: ClientCapabilities;
}

/**
 * What a connection is made from, as text to compare: the fields that start or reach the server and
 * the options it was created with. Policy fields (kind, readonly, rules) and where they were written
 * are left out, so an edit elsewhere in the file restarts nothing.
 */
export function definitionOf(server: ServerConfig, options: ConnectionOptions): string {
  const reach =
    server.transport === 'stdio'
      ? { transport: server.transport, command: server.command, args: server.args, env: server.env, cwd: server.cwd, maxResultBytes: server.maxResultBytes }
      : { transport: server.transport, url: server.url, headers: server.headers };
  return JSON.stringify({ reach, ...options });
}
