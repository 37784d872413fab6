// Which gateway replicas are alive, for the tickets they wait on. A replica that opens a ticket keeps
// a row with a heartbeat; a replica whose heartbeat is older than the lease (it crashed, was killed,
// lost the database) is gone, and a human answer to one of its tickets is refused as orphaned: nobody
// would run the call. A replica that closes cleanly deletes its row.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PostgresConnection } from './connection.js';

/**
 * A heartbeat older than this means the replica is gone (three missed beats). 15 s unless
 * $MCP_WARDEN_REPLICA_LEASE_MS says otherwise (at least 300): every replica and the CLI must agree.
 */
export const LEASE_MS = leaseFromEnv(process.env.MCP_WARDEN_REPLICA_LEASE_MS);
/** How often a replica refreshes its heartbeat. */
export const HEARTBEAT_MS = Math.floor(LEASE_MS / 3);

/** The lease `value` names, or the default when it is absent or not a whole number of at least 300 ms. */
export function leaseFromEnv(value: string | undefined): number {
  const ms = Number(value);
  return value && Number.isInteger(ms) && ms >= 300 ? ms : 15_000;
}

export interface ReplicaLeaseOptions {
  heartbeatMs?: number;
  /** Replica id; default a random UUID (one per process and store). */
  id?: string;
}

export class ReplicaLease {
  readonly id: string;
  readonly #db: PostgresConnection;
  readonly #heartbeatMs: number;
  #timer: NodeJS.Timeout | undefined;
  #registered: Promise<void> | undefined;

  constructor(db: PostgresConnection, options: ReplicaLeaseOptions = {}) {
    this.#db = db;
    this.id = options.id ?? randomUUID();
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  }

  /** Records this replica as alive (before its first ticket) and keeps the heartbeat going; again after a failure. */
  register(): Promise<void> {
    this.#registered ??= this.#beat().then(
      () => {
        if (!this.#timer) {
          // Unref'd: a heartbeat never keeps a gateway alive; a failed beat is retried on the next tick.
          this.#timer = setInterval(() => void this.#beat().catch(() => {}), this.#heartbeatMs);
          this.#timer.unref();
        }
      },
      (error: unknown) => {
        this.#registered = undefined;
        throw error;
      },
    );
    return this.#registered;
  }

  /** Stops the heartbeat and removes the row, so this replica's tickets read as orphaned at once. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#registered) return;
    this.#registered = undefined;
    await this.#db.query('DELETE FROM warden_replicas WHERE id = $1', [this.id]).catch(() => {});
  }

  async #beat(): Promise<void> {
    await this.#db.query(
      `INSERT INTO warden_replicas (id, host, pid) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`,
      [this.id, hostname(), process.pid],
    );
  }
}

/** SQL true when the replica named by `column` holds a live lease (`$n` is the lease in milliseconds). */
export function replicaAlive(column: string, leaseParam: string): string {
  return `EXISTS (SELECT 1 FROM warden_replicas r WHERE r.id = ${column} AND r.heartbeat_at > now() - (${leaseParam} * interval '1 millisecond'))`;
}
