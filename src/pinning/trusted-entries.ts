// Where the changes a person trusted at run time (and first-use pins) are kept: the one thing that
// differs between a gateway on one machine (files in the state directory) and replicas sharing a
// PostgreSQL store (rows). The layering over the lockfile is the same for both (pin-store.ts).
import { digestOf } from './digest.js';
import type { TrustedEntry } from './layered-pins.js';

export interface TrustedEntries {
  /** Every entry kept for `server`; [] when there are none. Throws when they cannot be read (fail closed). */
  read(server: string): Promise<TrustedEntry[]>;
  /** Keeps `entry` in place of any earlier one for the same server and entity. */
  write(server: string, entry: TrustedEntry): Promise<void>;
  /** Where the entries live, for explain and messages. */
  where(): string;
}

const KINDS = new Set(['tool', 'prompt', 'resource-template', 'instructions']);

/**
 * `data` as an entry, or `damaged(why)` thrown: one whose digest does not match its definition is
 * never used, wherever it was kept (fail closed).
 */
export function checkedEntry(data: unknown, damaged: (why: string) => Error): TrustedEntry {
  if (typeof data !== 'object' || data === null) throw damaged('not an object');
  const entry = data as Partial<TrustedEntry>;
  if ((entry.origin !== 'first-use' && entry.origin !== 'trusted') || (entry.over !== null && typeof entry.over !== 'string')) throw damaged('no origin or over');
  const entity = entry.entity;
  if (typeof entity !== 'object' || entity === null || !KINDS.has(entity.kind) || typeof entity.name !== 'string' || digestOf(entity.definition) !== entity.digest) {
    throw damaged('the digest does not match the definition');
  }
  return { origin: entry.origin, over: entry.over, entity: { kind: entity.kind, name: entity.name, definition: entity.definition, digest: entity.digest } };
}
