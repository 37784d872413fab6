export type { PinnedEntity, PinnedKind, PinSource, PinStatus, PinStore, ServerPins } from './types.js';
export { canonicalDefinition, digestOf, pinEntity } from './digest.js';
