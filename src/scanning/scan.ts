// PLACEHOLDER until the scanner lands (issue 13, item 5): finds nothing.
import type { ScanEntity, ScanFinding } from './types.js';

/** The findings for `entities`; `others` are the names of every server's tools, for cross-server references. */
export function scanEntities(entities: readonly ScanEntity[], _context: { serverIds: readonly string[] } = { serverIds: [] }): ScanFinding[] {
  void entities;
  return [];
}
