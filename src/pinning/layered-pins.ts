// How a store's two sources combine, the same in the file store and its memory twin: the lockfile (what
// the team reviewed) with the changes a person trusted at run time on top, or, with no lockfile,
// what was trusted on first use. Pure.
import { copyPins, emptyPins, pinOf, setEntity } from './server-pins.js';
import type { PinnedEntity, ServerPins } from './types.js';

/**
 * One entity recorded in the state directory. `first-use` was recorded with no lockfile present;
 * `trusted` was a change trusted over the lockfile, which held `over` (the digest, or null when the
 * lockfile did not have the entity) at the time.
 */
export interface TrustedEntry {
  origin: 'first-use' | 'trusted';
  over: string | null;
  entity: PinnedEntity;
}

/**
 * The pins of one server. With a lockfile: its pins (empty when it lacks the server, so everything
 * is new, never trusted on first use), each trusted entry applied only while the lockfile still holds
 * what the entry was trusted over — once the team pins something newer, the lockfile wins — and
 * first-use entries ignored. Without one: the state's entries, or undefined when there are none.
 */
export function layeredPins(lockfile: { pins: ServerPins | undefined } | undefined, entries: readonly TrustedEntry[]): ServerPins | undefined {
  if (lockfile) {
    const pins = lockfile.pins ? copyPins(lockfile.pins) : emptyPins();
    for (const entry of entries) {
      if (entry.origin !== 'trusted') continue;
      if ((pinOf(lockfile.pins, entry.entity.kind, entry.entity.name)?.digest ?? null) === entry.over) setEntity(pins, entry.entity);
    }
    return pins;
  }
  if (entries.length === 0) return undefined;
  const pins = emptyPins();
  for (const entry of entries) setEntity(pins, entry.entity);
  return pins;
}

/** The entry that records trusting `entity`, given the lockfile's pins of its server (undefined: no lockfile). */
export function trustedEntry(lockfile: { pins: ServerPins | undefined } | undefined, entity: PinnedEntity): TrustedEntry {
  if (!lockfile) return { origin: 'first-use', over: null, entity };
  return { origin: 'trusted', over: pinOf(lockfile.pins, entity.kind, entity.name)?.digest ?? null, entity };
}

/** `entries` with `entry` in place of any earlier one for the same entity. */
export function withEntry(entries: readonly TrustedEntry[], entry: TrustedEntry): TrustedEntry[] {
  const same = (other: TrustedEntry) => other.entity.kind === entry.entity.kind && other.entity.name === entry.entity.name;
  return [...entries.filter((other) => !same(other)), entry];
}
