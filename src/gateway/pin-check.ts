// How the entities one server lists now compare with its pins, for the run-time check. Stands in
// for the pinning module's comparePins until that lands (then this file goes).
import { canonicalJson } from '../audit/canonical.js';
import type { PinnedEntity, PinStatus, ServerPins } from '../pinning/index.js';

/** The pins of `kind` in `pins`, by name. */
function pinsOf(pins: ServerPins, kind: PinnedEntity['kind']): Record<string, PinnedEntity> {
  if (kind === 'tool') return pins.tools;
  if (kind === 'prompt') return pins.prompts;
  if (kind === 'resource-template') return pins.resourceTemplates;
  return pins.instructions ? { '': pins.instructions } : {};
}

/** The status of each of `current` against `pins` (removed entities are not reported: nothing lists them). */
export function checkPins(pins: ServerPins, current: readonly PinnedEntity[]): PinStatus[] {
  return current.map((entity) => {
    const pin = pinsOf(pins, entity.kind)[entity.name];
    if (!pin) return { state: 'new', current: entity };
    if (pin.digest === entity.digest) return { state: 'pinned', pin };
    return { state: 'changed', pin, current: entity, diff: fieldDiff(pin.definition, entity.definition) };
  });
}

/** The top-level fields of two definitions that differ (`description`, `inputSchema`), in a stable order. */
export function changedFields(before: unknown, after: unknown): string[] {
  if (typeof before !== 'object' || before === null || typeof after !== 'object' || after === null) return canonicalJson(before) === canonicalJson(after) ? [] : ['definition'];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null));
}

/** A readable diff of the changed fields: the pinned value after `-`, the listed one after `+`. */
function fieldDiff(before: unknown, after: unknown): string {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  const lines: string[] = [];
  for (const field of changedFields(before, after)) {
    lines.push(`${field}:`);
    if (a[field] !== undefined) lines.push(...JSON.stringify(a[field], null, 2).split('\n').map((line) => `- ${line}`));
    if (b[field] !== undefined) lines.push(...JSON.stringify(b[field], null, 2).split('\n').map((line) => `+ ${line}`));
  }
  return lines.join('\n');
}
