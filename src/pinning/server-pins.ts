// Building and changing one server's pins. Tables are records without a prototype, so an entity
// named `__proto__` or `constructor` is pinned like any other name instead of vanishing into (or
// reading from) Object.prototype.
import type { PinnedEntity, ServerPins } from './types.js';

/** A record without a prototype. */
export function nullRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A server with nothing pinned. */
export function emptyPins(): ServerPins {
  return { tools: nullRecord(), prompts: nullRecord(), resourceTemplates: nullRecord() };
}

/** The table of `pins` that holds entities of `kind` (instructions have none). */
export function tableOf(pins: ServerPins, kind: Exclude<PinnedEntity['kind'], 'instructions'>): Record<string, PinnedEntity> {
  return kind === 'tool' ? pins.tools : kind === 'prompt' ? pins.prompts : pins.resourceTemplates;
}

/** Puts `entity` in its place among `pins`, replacing what was there. */
export function setEntity(pins: ServerPins, entity: PinnedEntity): void {
  if (entity.kind === 'instructions') pins.instructions = entity;
  else tableOf(pins, entity.kind)[entity.name] = entity;
}

/** The pin of `entity`'s kind and name in `pins`, if any (own keys only). */
export function pinOf(pins: ServerPins | undefined, kind: PinnedEntity['kind'], name: string): PinnedEntity | undefined {
  if (!pins) return undefined;
  if (kind === 'instructions') return pins.instructions;
  const table = tableOf(pins, kind);
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** A deep copy with prototype-less tables, so a caller's changes never reach the store's. */
export function copyPins(pins: ServerPins): ServerPins {
  const copy = emptyPins();
  for (const table of ['tools', 'prompts', 'resourceTemplates'] as const) {
    for (const [name, entity] of Object.entries(pins[table])) copy[table][name] = { ...entity, definition: structuredClone(entity.definition) };
  }
  if (pins.instructions) copy.instructions = { ...pins.instructions };
  return copy;
}
