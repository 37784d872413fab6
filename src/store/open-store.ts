// The shared store a gateway (or the approvals CLI) works on, chosen by `store.kind`: the file store
// of the state directory, or PostgreSQL. The PostgreSQL code is loaded only when it is chosen.
import { createFileTicketStore } from '../approval/file-store.js';
import type { TicketStore } from '../approval/types.js';
import type { AuditSink } from '../audit/types.js';
import type { StoreConfig } from '../config/types.js';
import type { GatewayRegistry } from '../status/gateway-registry.js';
import type { TrustedEntries } from '../pinning/trusted-entries.js';

/** What a readiness probe (/readyz) shows for the store. */
export interface StoreReadiness {
  ok: boolean;
  detail: string;
}

export interface SharedStore {
  kind: StoreConfig['kind'];
  tickets: TicketStore;
  /** The console token every gateway on this store serves; absent for the file store (it keeps its own file). */
  consoleToken?(): Promise<string>;
  /** The audit sink on the store itself (postgres); absent for the file store (the JSONL file is its audit). */
  auditSink?(options: { required: boolean }): AuditSink;
  /** Where each replica records its sessions for `mcp-warden status --config` (postgres); absent for the file store. */
  gateways?: GatewayRegistry;
  /** Where the trusted pin entries of the config at `configPath` live (postgres); absent for the file store (the state directory keeps them). */
  pinEntries?(configPath: string): TrustedEntries;
  /** Whether the store can be used now, with the reason when not: plug into /readyz. */
  storeReady(): Promise<StoreReadiness>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** The state directory of the file store (default `$MCP_WARDEN_STATE_DIR` or `~/.mcp-warden`). */
  stateDir?: string;
  log?: (message: string) => void;
  /** Told of each failure of the store (the metrics' store errors); see PostgresConnectionOptions.onError. */
  onError?: (kind: string) => void;
}

/** Opens the store `config` names; does not wait for a database (see openPostgresStore). */
export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<SharedStore> {
  if (config.kind === 'file') {
    const tickets = createFileTicketStore(options.stateDir ? { stateDir: options.stateDir } : {});
    return {
      kind: 'file',
      tickets,
      // Files on this machine: nothing to reach.
      storeReady: async () => ({ ok: true, detail: 'file store' }),
      close: () => tickets.close(),
    };
  }
  const { openPostgresStore } = await import('./postgres/index.js');
  const store = openPostgresStore({ url: config.url, poolSize: config.poolSize, ...(options.log ? { log: options.log } : {}), ...(options.onError ? { onError: options.onError } : {}) });
  return {
    kind: 'postgres',
    tickets: store.tickets,
    consoleToken: () => store.consoleToken(),
    auditSink: ({ required }) => store.auditSink({ required }),
    gateways: store.gateways,
    pinEntries: (configPath) => store.pinEntries(configPath),
    storeReady: () => store.storeReady(),
    close: () => store.close(),
  };
}

/**
 * The console token of `store`, waiting (with a growing pause, up to `maxWaitMs`) while the database
 * is away at start-up; undefined for the file store.
 */
export async function sharedConsoleToken(store: SharedStore, options: { log?: (message: string) => void; maxWaitMs?: number } = {}): Promise<string | undefined> {
  if (!store.consoleToken) return undefined;
  const deadline = Date.now() + (options.maxWaitMs ?? 60_000);
  let pause = 200;
  for (;;) {
    try {
      return await store.consoleToken();
    } catch (error) {
      if (Date.now() + pause > deadline) throw error;
      options.log?.(`waiting for the store to read the console token (${(error as Error).message}); retrying in ${pause}ms`);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 5_000);
    }
  }
}
