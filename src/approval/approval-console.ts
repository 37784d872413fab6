// The console as the gateway starts it: the shared token and the shared store of this user's state
// directory, served on its own port (stdio gateways) or mounted into the HTTP front.
import { createConsoleHandler, type ConsoleHandler } from './console-handler.js';
import { startConsole, type RunningConsole } from './console-server.js';
import { loadConsoleToken, writeConsoleAddress } from './console-state.js';
import { openFileTicketStore } from './file-store.js';
import type { TicketStore } from './types.js';

export interface ApprovalConsoleOptions {
  /** The state directory (default `$MCP_WARDEN_STATE_DIR` or `~/.mcp-warden`). */
  stateDir?: string;
  /** The approvals directory itself, overriding `stateDir`. */
  dir?: string;
  /** A store to serve instead of the file store of the approvals directory (the PostgreSQL store, tests). */
  store?: TicketStore;
  /** The token to serve instead of the approvals directory's (the one shared in the PostgreSQL store). */
  token?: string;
  host?: string;
  port?: number;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  maxBodyBytes?: number;
}

export interface MountedConsole {
  /** Handles paths under /approvals, returns false for others. */
  handler: ConsoleHandler;
  token: string;
  /** The console's base URL on the front at `frontUrl` (any URL of that server). */
  urlFor(frontUrl: string): string;
  /** The link a person opens once: `urlFor(frontUrl)` with `?token=…`. */
  loginUrlFor(frontUrl: string): string;
  close(): Promise<void>;
}

/** Serves the shared console on host:port (default 127.0.0.1:0) and records its address for the CLI. */
export async function startApprovalConsole(options: ApprovalConsoleOptions = {}): Promise<RunningConsole & { token: string }> {
  const location = options.dir ? { dir: options.dir } : { ...(options.stateDir ? { stateDir: options.stateDir } : {}) };
  const token = options.token ?? (await loadConsoleToken(location));
  const ownStore = options.store ? undefined : await openFileTicketStore(location);
  const store = options.store ?? ownStore!;
  let running: RunningConsole;
  try {
    running = await startConsole({ ...options, store, token });
  } catch (error) {
    await ownStore?.close();
    throw error;
  }
  // The address file only helps `mcp-warden status` and other gateways find this console; without it
  // the console still serves, and a gateway that finds no file starts or finds one by its port.
  if (!running.reused) await writeConsoleAddress(running.url, location).catch(() => {});
  return {
    ...running,
    token,
    close: async () => {
      await running.close();
      await ownStore?.close();
    },
  };
}

/** The shared console as a handler for an existing HTTP server (the HTTP front). */
export async function mountApprovalConsole(options: ApprovalConsoleOptions = {}): Promise<MountedConsole> {
  const location = options.dir ? { dir: options.dir } : { ...(options.stateDir ? { stateDir: options.stateDir } : {}) };
  const token = options.token ?? (await loadConsoleToken(location));
  const ownStore = options.store ? undefined : await openFileTicketStore(location);
  const store = options.store ?? ownStore!;
  const urlFor = (frontUrl: string) => `${new URL(frontUrl).origin}/approvals`;
  return {
    handler: createConsoleHandler({ ...options, store, token }),
    token,
    urlFor,
    loginUrlFor: (frontUrl) => `${urlFor(frontUrl)}?token=${encodeURIComponent(token)}`,
    close: async () => {
      await ownStore?.close();
    },
  };
}
