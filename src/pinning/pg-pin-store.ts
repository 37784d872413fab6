// Trusted pin entries in PostgreSQL, so every replica layers the same run-time trust over the lockfile
// (which still comes from disk: it is in git, or the ConfigMap): a change one person trusted through
// any replica is trusted on all of them, and a first-use pin taken by one replica is the pin of all.
// One row per entity; trusting again replaces it through the primary key, never a read-then-write.
//
// Rows are kept per `scope`: the first 16 hex of sha256 of the config file's absolute path, the same
// key the file store names its directory with. Replicas of one deployment mount the config at the same
// path, so they share a scope; gateways of other configs on the same database keep their own. (Two
// deployments that mount different configs at the same path on one database would share a scope:
// give them each their own database, as their tickets and audit would mix too.)
import { createHash } from 'node:crypto';
import path from 'node:path';
import { WardenError } from '../errors.js';
import type { PostgresConnection } from '../store/postgres/connection.js';
import type { TrustedEntry } from './layered-pins.js';
import { checkedEntry, type TrustedEntries } from './trusted-entries.js';

/** The scope of a gateway config's rows: the first 16 hex of sha256 of its absolute path. */
export function pinScope(configPath: string): string {
  return createHash('sha256').update(path.resolve(configPath)).digest('hex').slice(0, 16);
}

interface EntryRow {
  kind: string;
  name: string;
  origin: string;
  over: string | null;
  entity: unknown;
}

/** The entries of the gateway config at `configPath`, in table warden_pin_entries. Failures to reach the database are STORE_UNAVAILABLE. */
export function pgTrustedEntries(db: PostgresConnection, configPath: string): TrustedEntries {
  const scope = pinScope(configPath);
  return {
    async read(server: string): Promise<TrustedEntry[]> {
      const { rows } = await db.query<EntryRow>('SELECT kind, name, origin, over, entity FROM warden_pin_entries WHERE scope = $1 AND server = $2 ORDER BY kind, name', [scope, server]);
      return rows.map((row) => {
        const damaged = (why: string) =>
          new WardenError('BAD_INPUT', `The pin entry of ${row.kind} "${row.name}" of server "${server}" in the PostgreSQL store is damaged (${why}); delete its row to trust this definition again`);
        const entry = checkedEntry({ origin: row.origin, over: row.over, entity: row.entity }, damaged);
        // The key columns must name the entity the row holds, or a row could stand in for another.
        if (entry.entity.kind !== row.kind || entry.entity.name !== row.name) throw damaged('its key does not match its entity');
        return entry;
      });
    },
    async write(server: string, entry: TrustedEntry): Promise<void> {
      const { entity } = entry;
      await db.query(
        `INSERT INTO warden_pin_entries (scope, server, kind, name, origin, over, entity, digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (scope, server, kind, name) DO UPDATE
           SET origin = EXCLUDED.origin, over = EXCLUDED.over, entity = EXCLUDED.entity, digest = EXCLUDED.digest, trusted_at = now()`,
        [scope, server, entity.kind, entity.name, entry.origin, entry.over, JSON.stringify(entity), entity.digest],
      );
    },
    where: () => `the PostgreSQL store (table warden_pin_entries, scope ${scope})`,
  };
}
