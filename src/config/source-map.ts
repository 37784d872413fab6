// Maps key paths in gateway.yaml to line and column, so every issue and every rule can say where
// it was written. Built on the yaml library's node ranges and its LineCounter.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigIssue } from '../errors.js';

export type KeyPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  column: number;
}

/** Locates key paths of one parsed document; `file` is the name shown to people. */
export class SourceMap {
  readonly file: string;
  readonly #doc: Document;
  readonly #lines: LineCounter;

  constructor(doc: Document, lines: LineCounter, file: string) {
    this.#doc = doc;
    this.#lines = lines;
    this.file = file;
  }

  /** Line and column of the value at `path` (or of its key), falling back to the nearest ancestor that exists. */
  position(path: KeyPath, options: { key?: boolean } = {}): Position {
    let node: unknown = this.#doc.contents;
    let found: Node | undefined = isNodeWithRange(node) ? node : undefined;
    for (const [index, segment] of path.entries()) {
      if (isAlias(node)) node = node.resolve(this.#doc);
      let next: unknown;
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment));
        keyNode = pair?.key;
        next = pair?.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (next === undefined && keyNode === undefined) break;
      const last = index === path.length - 1;
      if (last && options.key && isNodeWithRange(keyNode)) found = keyNode;
      else if (isNodeWithRange(next)) found = next;
      else if (isNodeWithRange(keyNode)) found = keyNode;
      node = next;
    }
    return this.offsetPosition(found?.range?.[0] ?? 0);
  }

  /** 1-based line and column of a character offset in the source. */
  offsetPosition(offset: number): Position {
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  /** `file:line:col` of the value at `path`: the form a Rule's or Setting's `source` takes. */
  source(path: KeyPath, options: { key?: boolean } = {}): string {
    const { line, column } = this.position(path, options);
    return `${this.file}:${line}:${column}`;
  }

  /** An issue located at the value at `path` (or at its key). */
  issue(path: KeyPath, message: string, options: { key?: boolean } = {}): ConfigIssue {
    return { file: this.file, ...this.position(path, options), path: formatPath(path), message };
  }

  /** The key path of the deepest node that contains `offset`, for errors the yaml parser reports by offset. */
  pathAt(offset: number): KeyPath {
    const path: Array<string | number> = [];
    let node: unknown = this.#doc.contents;
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((item) => contains(item.key, offset) || contains(item.value, offset));
        if (!pair) break;
        path.push(String(isScalar(pair.key) ? pair.key.value : pair.key));
        if (contains(pair.key, offset)) break;
        node = pair.value;
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => contains(item, offset));
        if (index < 0) break;
        path.push(index);
        node = node.items[index];
      } else {
        break;
      }
    }
    return path;
  }
}

/** `profiles.developer.allow[2]`; keys that are not plain words are quoted: `policy.ceilings["shell/*"]`. */
export function formatPath(path: KeyPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function isNodeWithRange(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && Array.isArray((value as Node).range);
}

function contains(value: unknown, offset: number): boolean {
  if (!isNodeWithRange(value) || !value.range) return false;
  return offset >= value.range[0] && offset < value.range[2];
}
