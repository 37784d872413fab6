export type { PinnedEntity, PinnedKind, PinSource, PinStatus, PinStore, ServerPins } from './types.js';
export { canonicalDefinition, digestOf, entityName, pinEntity } from './digest.js';
export { comparePins, diffDefinitions, hasDrift, serverPinsOf, statusOf, type ListedServer } from './compare.js';
export { LOCKFILE_NAME, formatLockfile, lockfilePathFor, parseLockfile, readLockfile, updateLockfile, writeLockfile, type Lockfile } from './lockfile.js';
export { createPinStore, pinStateDir, type FilePinStoreOptions } from './pin-store.js';
export { createMemoryPinStore, type MemoryPinStore } from './memory-pin-store.js';
export { emptyPins, pinOf, setEntity } from './server-pins.js';
export { listServer } from './list-server.js';
export { hasInvisible, showInvisible } from './visible.js';
