// How what an upstream lists now compares with its pins: pure, data in, statuses out. The run time
// decides what each status means (warn, ask, deny); `mcp-warden pin` prints them.
import { pinEntity } from './digest.js';
import { diffDefinitions } from './diff.js';
import { emptyPins, pinOf } from './server-pins.js';
import type { PinnedEntity, PinnedKind, PinStatus, ServerPins } from './types.js';

export { diffDefinitions } from './diff.js';

/** One server's entities as listed: Tools, Prompts and ResourceTemplates as the upstream sent them, and its initialize instructions. */
export interface ListedServer {
  tools: readonly unknown[];
  prompts?: readonly unknown[];
  resourceTemplates?: readonly unknown[];
  instructions?: string;
}

type EntityTable = 'tools' | 'prompts' | 'resourceTemplates';

const TABLES: ReadonlyArray<[EntityTable, Exclude<PinnedKind, 'instructions'>]> = [
  ['tools', 'tool'],
  ['prompts', 'prompt'],
  ['resourceTemplates', 'resource-template'],
];

/** The pinned form of everything `listed` shows: what `mcp-warden pin` writes and first use trusts. */
export function serverPinsOf(listed: ListedServer): ServerPins {
  const pins = emptyPins();
  for (const [table, kind] of TABLES) {
    for (const item of listed[table] ?? []) {
      const entity = pinEntity(kind, item);
      // A name listed twice keeps its first definition; comparePins reports the second as a change.
      if (!Object.hasOwn(pins[table], entity.name)) pins[table][entity.name] = entity;
    }
  }
  if (listed.instructions) pins.instructions = pinEntity('instructions', listed.instructions);
  return pins;
}

/**
 * Each listed entity against its pin (pinned, changed with the diff, or new), then each pin nothing
 * listed (removed). With no pins at all everything listed is new. Order: tools, prompts, resource
 * templates, instructions; within each, as listed, removed ones last.
 */
export function comparePins(pins: ServerPins | undefined, current: ListedServer): PinStatus[] {
  const statuses: PinStatus[] = [];
  for (const [table, kind] of TABLES) {
    const pinned = pins?.[table] ?? {};
    const seen = new Set<string>();
    for (const item of current[table] ?? []) {
      const entity = pinEntity(kind, item);
      seen.add(entity.name);
      statuses.push(statusOf(pinOf(pins, kind, entity.name), entity));
    }
    for (const [name, pin] of Object.entries(pinned)) if (!seen.has(name)) statuses.push({ state: 'removed', pin });
  }
  const instructions = current.instructions ? pinEntity('instructions', current.instructions) : undefined;
  if (instructions) statuses.push(statusOf(pins?.instructions, instructions));
  else if (pins?.instructions) statuses.push({ state: 'removed', pin: pins.instructions });
  return statuses;
}

/** One entity against its pin, if any. */
export function statusOf(pin: PinnedEntity | undefined, current: PinnedEntity): PinStatus {
  if (!pin) return { state: 'new', current };
  if (pin.digest === current.digest) return { state: 'pinned', pin };
  return { state: 'changed', pin, current, diff: diffDefinitions(pin.definition, current.definition) };
}

/** True when any status is not `pinned`: the upstream drifted from its pins. */
export function hasDrift(statuses: readonly PinStatus[]): boolean {
  return statuses.some((status) => status.state !== 'pinned');
}
