// The gateway registry on the PostgreSQL store, so `mcp-warden status --config` sees every replica:
// each replica's entry (url, config, console, config state) on its lease row, and one row per session
// in `warden_sessions`. Only session opens and closes are written (upstream states stay in the local
// file registry); a replica whose lease expired is gone, with its sessions.
import type { PostgresConnection } from '../store/postgres/connection.js';
import { LEASE_MS, replicaAlive, type ReplicaLease } from '../store/postgres/replica.js';
import type { GatewayEntry, SessionEntry } from './gateway-entry.js';
import type { GatewayRegistry } from './gateway-registry.js';

/** Session rows of replicas silent this long are deleted (well past any lease: a replica cut off from the database for a while keeps its rows). */
const FORGET_AFTER_MS = 60 * 60 * 1000;

export interface PgGatewayRegistryOptions {
  /** How long a replica's heartbeat counts (default LEASE_MS). */
  leaseMs?: number;
}

export class PgGatewayRegistry implements GatewayRegistry {
  readonly #db: PostgresConnection;
  readonly #lease: ReplicaLease;
  readonly #leaseMs: number;
  /** The session ids written for this replica, and the entry last written: only changes are written. */
  #written = new Set<string>();
  #entry = '';

  constructor(db: PostgresConnection, lease: ReplicaLease, options: PgGatewayRegistryOptions = {}) {
    this.#db = db;
    this.#lease = lease;
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
  }

  async publish(entry: GatewayEntry): Promise<void> {
    await this.#lease.register();
    const replica = this.#lease.id;
    // `updatedAt` changes with every upstream event: comparing without it keeps those from writing.
    const { sessions, updatedAt: _updatedAt, ...gateway } = entry;
    const text = JSON.stringify({ ...gateway, replica });
    if (text !== this.#entry) {
      await this.#db.query('UPDATE warden_replicas SET gateway = $2 WHERE id = $1', [replica, text]);
      this.#entry = text;
    }
    const now = new Set(sessions.map((session) => session.id));
    const gone = [...this.#written].filter((id) => !now.has(id));
    if (gone.length > 0) {
      await this.#db.query('DELETE FROM warden_sessions WHERE replica = $1 AND id = ANY($2)', [replica, gone]);
      for (const id of gone) this.#written.delete(id);
    }
    for (const session of sessions) {
      if (this.#written.has(session.id)) continue;
      await this.#db.query(
        `INSERT INTO warden_sessions (replica, id, host, pid, agent, client_name, client_version, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (replica, id) DO UPDATE SET last_seen = now()`,
        [replica, session.id, entry.host, entry.pid, session.agent, session.client?.name ?? null, session.client?.version ?? null, session.openedAt],
      );
      this.#written.add(session.id);
    }
  }

  async withdraw(): Promise<void> {
    const replica = this.#lease.id;
    await this.#db.query('DELETE FROM warden_sessions WHERE replica = $1', [replica]);
    await this.#db.query('UPDATE warden_replicas SET gateway = NULL WHERE id = $1', [replica]);
    this.#written.clear();
    this.#entry = '';
  }

  async live(): Promise<GatewayEntry[]> {
    await this.#db.query(
      `DELETE FROM warden_sessions s WHERE NOT EXISTS (SELECT 1 FROM warden_replicas r WHERE r.id = s.replica AND r.heartbeat_at > now() - ($1 * interval '1 millisecond'))`,
      [FORGET_AFTER_MS],
    );
    const gateways = await this.#db.query<{ id: string; gateway: Omit<GatewayEntry, 'sessions' | 'updatedAt'>; heartbeat: string }>(
      // Not aliased `r`: replicaAlive's subquery uses that name.
      `SELECT g.id, g.gateway, (extract(epoch FROM g.heartbeat_at) * 1000)::bigint AS heartbeat FROM warden_replicas g
       WHERE g.gateway IS NOT NULL AND ${replicaAlive('g.id', '$1')}`,
      [this.#leaseMs],
    );
    const sessions = await this.#db.query<{ replica: string; id: string; agent: string; client_name: string | null; client_version: string | null; opened_at: string }>(
      `SELECT s.replica, s.id, s.agent, s.client_name, s.client_version, s.opened_at FROM warden_sessions s
       WHERE ${replicaAlive('s.replica', '$1')} ORDER BY s.opened_at`,
      [this.#leaseMs],
    );
    const byReplica = new Map<string, SessionEntry[]>();
    for (const row of sessions.rows) {
      const list = byReplica.get(row.replica) ?? [];
      list.push({
        id: row.id,
        agent: row.agent,
        ...(row.client_name !== null ? { client: { name: row.client_name, version: row.client_version ?? '' } } : {}),
        openedAt: Number(row.opened_at),
        // Not kept in the shared store: see the replica's own host (`mcp-warden status` there).
        upstreams: {},
      });
      byReplica.set(row.replica, list);
    }
    return gateways.rows
      .map((row) => ({ ...row.gateway, replica: row.id, sessions: byReplica.get(row.id) ?? [], updatedAt: Number(row.heartbeat) }))
      .sort((a, b) => a.startedAt - b.startedAt);
  }
}
