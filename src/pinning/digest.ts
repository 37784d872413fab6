// The canonical definition of each pinned entity and its digest, with the audit's canonical JSON (sorted
// keys, no insignificant whitespace), so the same definition always has the same digest.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical.js';
import type { PinnedEntity, PinnedKind } from './types.js';

/** The fields a pin covers, per kind; anything else the upstream sends (`_meta`, icons) is not pinned. */
const COVERED: Record<Exclude<PinnedKind, 'instructions'>, readonly string[]> = {
  tool: ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'],
  prompt: ['name', 'title', 'description', 'arguments'],
  'resource-template': ['name', 'title', 'uriTemplate', 'description', 'mimeType', 'annotations'],
};

/** The covered fields of `listed` (a Tool, Prompt or ResourceTemplate as listed; the instructions string). */
export function canonicalDefinition(kind: PinnedKind, listed: unknown): unknown {
  if (kind === 'instructions') return typeof listed === 'string' ? listed : '';
  const source = (listed ?? {}) as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const key of COVERED[kind]) if (source[key] !== undefined) picked[key] = source[key];
  // Through JSON and back: what the digest covers is exactly what a lockfile can hold.
  return JSON.parse(canonicalJson(picked)) as unknown;
}

export function digestOf(definition: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(definition)).digest('hex')}`;
}

/** The pinned form of one listed entity. */
export function pinEntity(kind: PinnedKind, listed: unknown): PinnedEntity {
  const definition = canonicalDefinition(kind, listed);
  return { kind, name: entityName(kind, listed), definition, digest: digestOf(definition) };
}

/**
 * What an entity is known by: its name; a resource template's URI template, which is what a read
 * matches and, unlike its display name, cannot be shared by two templates of one server.
 */
export function entityName(kind: PinnedKind, listed: unknown): string {
  if (kind === 'instructions') return '';
  const source = (listed ?? {}) as { name?: unknown; uriTemplate?: unknown };
  const value = kind === 'resource-template' ? source.uriTemplate : source.name;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
