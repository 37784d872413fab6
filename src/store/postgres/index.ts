// The PostgreSQL store of a gateway: one pool shared by the tickets, the audit sink and the console
// token, and the readiness check /readyz asks. Loaded only when `store.kind` is postgres.
import { PgTicketStore, type PgTicketStoreOptions } from '../../approval/pg-store.js';
import { createPgAuditSink, type PgAuditSinkOptions } from '../../audit/pg-sink.js';
import type { AuditSink } from '../../audit/types.js';
import { PostgresConnection, type PostgresConnectionOptions, type StoreReadiness } from './connection.js';
import { loadSharedConsoleToken } from './console-token.js';
import { pgTrustedEntries } from '../../pinning/pg-pin-store.js';
import type { TrustedEntries } from '../../pinning/trusted-entries.js';
import { PgGatewayRegistry } from '../../status/pg-registry.js';

export { PostgresConnection, describeStoreError, type StoreReadiness, type PostgresConnectionOptions } from './connection.js';
export { migrate, MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export { ReplicaLease, HEARTBEAT_MS, LEASE_MS } from './replica.js';
export { loadSharedConsoleToken } from './console-token.js';

export interface PostgresStore {
  connection: PostgresConnection;
  tickets: PgTicketStore;
  /** The trusted pin entries of the gateway config at `configPath`, shared by the replicas (layered over the lockfile by createPinStore). */
  pinEntries(configPath: string): TrustedEntries;
  /** Each replica's status entry and sessions, for `mcp-warden status --config`. */
  gateways: PgGatewayRegistry;
  /** The audit sink on this store (one per gateway). */
  auditSink(options?: PgAuditSinkOptions): AuditSink;
  /** The console token every replica shares. */
  consoleToken(): Promise<string>;
  /** For /readyz: not ready, with the reason, while the database cannot be reached. */
  storeReady(): Promise<StoreReadiness>;
  /** Ends the replica's lease and closes the pool; idempotent. */
  close(): Promise<void>;
}

export interface OpenPostgresStoreOptions extends PostgresConnectionOptions {
  tickets?: Omit<PgTicketStoreOptions, 'log'>;
}

/**
 * The store for `url`. Does not wait for the database: the schema is created by the first query (and
 * again after a failure), so a gateway starts while the database is away and is ready once it is back.
 */
export function openPostgresStore(options: OpenPostgresStoreOptions): PostgresStore {
  const connection = new PostgresConnection(options);
  const tickets = new PgTicketStore(connection, { ...options.tickets, ...(options.log ? { log: options.log } : {}) });
  let closing: Promise<void> | undefined;
  return {
    connection,
    tickets,
    pinEntries: (configPath) => pgTrustedEntries(connection, configPath),
    gateways: new PgGatewayRegistry(connection, tickets.lease),
    auditSink: (sinkOptions = {}) => createPgAuditSink(connection, { replica: tickets.lease.id, ...sinkOptions }),
    consoleToken: () => loadSharedConsoleToken(connection),
    storeReady: () => connection.ready(),
    close: () =>
      (closing ??= (async () => {
        await tickets.close();
        await connection.close();
      })()),
  };
}
