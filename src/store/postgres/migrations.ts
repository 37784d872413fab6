// The PostgreSQL schema, as numbered migrations applied at start-up. Every replica runs them; a
// transaction-scoped advisory lock makes replicas starting at once take turns, and the version table
// makes a second run do nothing. Each step is also idempotent (IF NOT EXISTS) in case a version row
// was lost.
import type { PoolClient } from 'pg';

/** One advisory lock key for every mcp-warden schema change ("mcpwarden" as a number). */
export const MIGRATION_LOCK_KEY = 0x6d63_7077_6172_64n;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tickets, replicas, audit records, shared settings',
    sql: `
      CREATE TABLE IF NOT EXISTS warden_tickets (
        id text PRIMARY KEY,
        -- The ticket as created (the call, its reasons, its owner), without its state: never changes.
        ticket jsonb NOT NULL,
        arguments_sha256 text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        owner_replica text,
        -- Changed once, from 'pending', by the UPDATE ... WHERE state = 'pending' that wins.
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'denied', 'expired', 'withdrawn')),
        channel text,
        answered_by text,
        decision_reason text,
        decided_at bigint,
        remember boolean NOT NULL DEFAULT false
      );
      CREATE INDEX IF NOT EXISTS warden_tickets_pending ON warden_tickets (created_at) WHERE state = 'pending';
      CREATE INDEX IF NOT EXISTS warden_tickets_decided ON warden_tickets (decided_at) WHERE state <> 'pending';

      CREATE TABLE IF NOT EXISTS warden_replicas (
        id text PRIMARY KEY,
        host text NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE IF NOT EXISTS warden_audit (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL,
        event text NOT NULL,
        agent text NOT NULL,
        tool text NOT NULL,
        decision text NOT NULL,
        outcome text NOT NULL,
        decision_id text NOT NULL,
        replica text,
        record jsonb NOT NULL
      );
      CREATE INDEX IF NOT EXISTS warden_audit_time ON warden_audit (time);
      CREATE INDEX IF NOT EXISTS warden_audit_agent ON warden_audit (agent, time);
      CREATE INDEX IF NOT EXISTS warden_audit_tool ON warden_audit (tool, time);
      CREATE INDEX IF NOT EXISTS warden_audit_decision ON warden_audit (decision, time);

      CREATE TABLE IF NOT EXISTS warden_settings (
        key text PRIMARY KEY,
        value text NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'pins and trusted changes',
    sql: `
      CREATE TABLE IF NOT EXISTS warden_pins (
        server text NOT NULL,
        kind text NOT NULL,
        name text NOT NULL,
        -- The pinned entity whole (kind, name, definition, digest).
        entity jsonb NOT NULL,
        digest text NOT NULL,
        trusted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (server, kind, name)
      );
    `,
  },
  {
    version: 3,
    description: 'the gateway entry of each replica and its sessions, for status and the console',
    sql: `
      -- The replica's status entry (url, config, environment, console, config state), without its sessions.
      ALTER TABLE warden_replicas ADD COLUMN IF NOT EXISTS gateway jsonb;
      CREATE TABLE IF NOT EXISTS warden_sessions (
        replica text NOT NULL,
        id text NOT NULL,
        host text NOT NULL,
        pid integer NOT NULL,
        agent text NOT NULL,
        client_name text,
        client_version text,
        opened_at bigint NOT NULL,
        last_seen timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (replica, id)
      );
    `,
  },
  {
    version: 4,
    description: 'trusted pin entries per gateway config, layered over the lockfile; approvals with trust',
    sql: `
      -- An approval "with trust" makes the ticket's definition the pin; the waiting replica reads it here.
      ALTER TABLE warden_tickets ADD COLUMN IF NOT EXISTS trust boolean NOT NULL DEFAULT false;
      -- Version 2's warden_pins was never written by any release; the entries take its place.
      DROP TABLE IF EXISTS warden_pins;
      CREATE TABLE IF NOT EXISTS warden_pin_entries (
        -- Which gateway config the entry belongs to (see pg-pin-store.ts): configs on one database stay apart.
        scope text NOT NULL,
        server text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('tool', 'prompt', 'resource-template', 'instructions')),
        name text NOT NULL,
        origin text NOT NULL CHECK (origin IN ('first-use', 'trusted')),
        -- The lockfile's digest the change was trusted over (null: the lockfile lacked it, or first use).
        over text,
        -- The pinned entity whole (kind, name, definition, digest).
        entity jsonb NOT NULL,
        digest text NOT NULL,
        trusted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, server, kind, name)
      );
    `,
  },
];

/** The newest schema version this build knows. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * Brings the schema up to SCHEMA_VERSION in one transaction; returns the versions applied (empty when
 * another replica already did). Refuses a database whose schema is newer than this build.
 */
export async function migrate(client: PoolClient): Promise<number[]> {
  await client.query('BEGIN');
  try {
    // Held until COMMIT: a second replica waits here, then finds the work done.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS warden_schema_version (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM warden_schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`The database schema is version ${current}, newer than this mcp-warden knows (${SCHEMA_VERSION}); upgrade mcp-warden`);
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO warden_schema_version (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
