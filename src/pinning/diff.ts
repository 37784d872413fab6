// The diff a person reviews before trusting a changed definition: both definitions as YAML (see
// yaml-text.ts, invisible characters escaped), compared line by line with jsdiff. Each hunk is headed
// by the keys it sits under (`inputSchema > properties > path`), so a changed schema property is
// named, not only shown; a first line names the top-level fields that changed.
import { structuredPatch } from 'diff';
import { canonicalJson } from '../audit/canonical.js';
import { visibleYaml } from './yaml-text.js';

/** Lines of unchanged text around each change. */
const CONTEXT = 2;
/** Past this many edits jsdiff gives up; the definitions are then shown whole, one removed, one added. */
const MAX_EDIT_LENGTH = 2000;
/** A diff longer than this is cut, with a note of how much was left out (a card and a terminal are not a file viewer). */
const MAX_LINES = 200;

/**
 * A readable unified-style diff from `before` to `after` (canonical definitions); '' when they are
 * equal. Objects are diffed one changed top-level field at a time, so a change of the description
 * and one of the schema never share a hunk.
 */
export function diffDefinitions(before: unknown, after: unknown): string {
  if (canonicalJson(before) === canonicalJson(after)) return '';
  const lines: string[] = [];
  if (isObject(before) && isObject(after)) {
    const fields = changedFields(before, after);
    lines.push(`changed: ${fields.join(', ')}`);
    for (const field of fields) {
      lines.push(...hunks(fieldYaml(before, field), fieldYaml(after, field), field));
    }
  } else {
    lines.push(...hunks(visibleYaml(before), visibleYaml(after), typeof after === 'string' ? 'instructions' : 'definition'));
  }
  if (lines.length > MAX_LINES) return [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines of diff`].join('\n');
  return lines.join('\n');
}

/** `{field: value}` as YAML, or '' when the definition has no such field. */
function fieldYaml(definition: Record<string, unknown>, field: string): string {
  return Object.hasOwn(definition, field) ? visibleYaml({ [field]: definition[field] }) : '';
}

/** The hunks from `old` to `now`, each headed by the keys its first change sits under. */
function hunks(old: string, now: string, fallback: string): string[] {
  const lines: string[] = [];
  const patch = structuredPatch('pinned', 'current', old, now, undefined, undefined, { context: CONTEXT, maxEditLength: MAX_EDIT_LENGTH });
  if (patch === undefined) return [`@@ ${fallback} @@`, ...prefixed('-', old), ...prefixed('+', now)];
  const oldLines = old.split('\n');
  const newLines = now.split('\n');
  for (const hunk of patch.hunks) {
    const firstChange = hunk.lines.findIndex((line) => line.startsWith('-') || line.startsWith('+'));
    // The change's line in the text it comes from: count the hunk's lines of that side before it.
    const side = hunk.lines[firstChange]!.startsWith('+') ? 'new' : 'old';
    const ahead = hunk.lines.slice(0, firstChange).filter((line) => !line.startsWith(side === 'new' ? '-' : '+')).length;
    const start = (side === 'new' ? hunk.newStart : hunk.oldStart) - 1 + ahead;
    const path = keyPath(side === 'new' ? newLines : oldLines, start);
    lines.push(`@@ ${path.length > 0 ? path.join(' > ') : fallback} @@`);
    // jsdiff marks a last line without a newline; YAML text always ends in one, so the mark is noise.
    lines.push(...hunk.lines.filter((line) => !line.startsWith('\\')));
  }
  return lines;
}

/** The top-level keys whose values differ, in sorted order. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((key) => canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null) || (key in before) !== (key in after));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function prefixed(mark: string, text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n').map((line) => `${mark}${line}`);
}

const KEY_LINE = /^( *)(?:- )?("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'][^:#]*?):(?: |$)/;

/** The mapping keys down to line `index` of YAML `lines`: its own key, and each line above it with less indentation that holds a key. */
function keyPath(lines: readonly string[], index: number): string[] {
  const own = KEY_LINE.exec(lines[index] ?? '');
  const path: string[] = own ? [own[2]!] : [];
  let indent = indentation(lines[index] ?? '');
  for (let i = index - 1; i >= 0 && indent > 0; i--) {
    const match = KEY_LINE.exec(lines[i]!);
    if (!match) continue;
    const at = match[1]!.length;
    if (at >= indent) continue;
    path.unshift(match[2]!);
    indent = at;
  }
  return path;
}

function indentation(line: string): number {
  return /^ */.exec(line)![0].length;
}
