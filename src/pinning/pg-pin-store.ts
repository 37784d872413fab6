// Pins in PostgreSQL, so every replica checks against the same pins and a change one person trusted
// through any replica is trusted on all of them. One row per pinned entity; trusting replaces the
// row (the newest trusted definition is the pin).
import type { PostgresConnection } from '../store/postgres/connection.js';
import type { PinSource, PinStore, PinnedEntity, ServerPins } from './types.js';

interface PinRow {
  kind: PinnedEntity['kind'];
  name: string;
  entity: PinnedEntity;
}

export class PgPinStore implements PinStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async load(server: string): Promise<ServerPins | undefined> {
    const { rows } = await this.#db.query<PinRow>('SELECT kind, name, entity FROM warden_pins WHERE server = $1 ORDER BY kind, name', [server]);
    if (rows.length === 0) return undefined;
    const pins: ServerPins = { tools: {}, prompts: {}, resourceTemplates: {} };
    for (const { kind, name, entity } of rows) {
      if (kind === 'tool') pins.tools[name] = entity;
      else if (kind === 'prompt') pins.prompts[name] = entity;
      else if (kind === 'resource-template') pins.resourceTemplates[name] = entity;
      else if (kind === 'instructions') pins.instructions = entity;
    }
    return pins;
  }

  async trust(server: string, entity: PinnedEntity): Promise<void> {
    await this.#db.query(
      `INSERT INTO warden_pins (server, kind, name, entity, digest) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (server, kind, name) DO UPDATE SET entity = EXCLUDED.entity, digest = EXCLUDED.digest, trusted_at = now()`,
      [server, entity.kind, entity.name, JSON.stringify(entity), entity.digest],
    );
  }

  source(): PinSource {
    // PinSource names files; the table is named in the same place until it has a kind of its own.
    return { kind: 'state', path: 'PostgreSQL table warden_pins' };
  }
}
