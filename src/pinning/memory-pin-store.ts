// The in-memory twin of the file pin store, for tests of the run time: the same layering (see
// layered-pins.ts), with the lockfile and the state held in memory.
import { copyPins } from './server-pins.js';
import { layeredPins, trustedEntry, withEntry, type TrustedEntry } from './layered-pins.js';
import type { Lockfile } from './lockfile.js';
import type { PinnedEntity, PinSource, PinStore, ServerPins } from './types.js';

export interface MemoryPinStore extends PinStore {
  /** Replaces the lockfile (undefined: there is none), as `mcp-warden pin` would on disk. */
  setLockfile(lock: Lockfile | undefined): void;
}

/** A PinStore in memory; `lockfile` plays the part of gateway.lock. */
export function createMemoryPinStore(options: { lockfile?: Lockfile } = {}): MemoryPinStore {
  let lockfile = options.lockfile;
  const state = new Map<string, TrustedEntry[]>();
  const lockOf = (server: string) => (lockfile ? { pins: lockfile.servers[server] } : undefined);
  return {
    async load(server: string): Promise<ServerPins | undefined> {
      const pins = layeredPins(lockOf(server), state.get(server) ?? []);
      return pins && copyPins(pins);
    },
    async trust(server: string, entity: PinnedEntity): Promise<void> {
      const entry = trustedEntry(lockOf(server), { ...entity, definition: structuredClone(entity.definition) });
      state.set(server, withEntry(state.get(server) ?? [], entry));
    },
    source(): PinSource {
      return lockfile ? { kind: 'lockfile', path: 'memory:gateway.lock' } : { kind: 'state', path: 'memory:state' };
    },
    setLockfile(lock: Lockfile | undefined): void {
      lockfile = lock;
    },
  };
}
