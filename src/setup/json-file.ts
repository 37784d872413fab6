// Loads and edits a client's JSON config as plain data, and writes it back the way clients do
// (two-space indent). Comments in a JSONC file are not kept: connect backs the file up first.
import { readFileSync, existsSync } from 'node:fs';
import { isObject } from './client-server.js';
import { parseJsonc } from './jsonc.js';

/** A client config file: its text now (undefined when absent) and its parsed root. */
export interface JsonFile {
  file: string;
  before: string | undefined;
  data: Record<string, unknown>;
}

export function loadJsonFile(file: string): JsonFile {
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const parsed = before === undefined ? {} : parseJsonc(before, file);
  return { file, before, data: isObject(parsed) ? parsed : {} };
}

/** The text to write for `json`. */
export function render(json: JsonFile): string {
  return `${JSON.stringify(json.data, null, 2)}\n`;
}

/** The object at `path`, created (as `{}`) where missing or not an object. */
export function objectIn(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let node = root;
  for (const key of path) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  return node;
}

/** Adds `value` to the string array at `path` unless present. */
export function addToList(root: Record<string, unknown>, path: readonly string[], value: string): void {
  const parent = objectIn(root, path.slice(0, -1));
  const key = path.at(-1)!;
  const list = Array.isArray(parent[key]) ? (parent[key] as unknown[]) : [];
  if (!list.includes(value)) list.push(value);
  parent[key] = list;
}
