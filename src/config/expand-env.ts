// `${VAR}` and `${VAR:-default}` in string values, expanded on the parsed document before validation
// so that errors still point at the scalar the variable was written in. `$${` writes a literal `${`.
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import type { KeyPath, SourceMap } from './source-map.js';

const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Expands every string value in `doc` in place; returns one issue per problem, located at its scalar. */
export function expandDocument(doc: Document, env: Record<string, string | undefined>, map: SourceMap): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walk(doc.contents, []);
  return issues;

  function walk(node: unknown, path: KeyPath): void {
    if (isMap(node)) {
      for (const pair of node.items) walk(pair.value, [...path, String(isScalar(pair.key) ? pair.key.value : pair.key)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      const { value, problems } = expandString(node.value, env);
      node.value = value;
      for (const problem of problems) issues.push(map.issue(path, problem));
    }
  }
}

/** Expands one string; a problem is a message naming the variable and what to do. */
export function expandString(text: string, env: Record<string, string | undefined>): { value: string; problems: string[] } {
  const problems: string[] = [];
  let value = '';
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('$${', index)) {
      value += '${';
      index += 3;
      continue;
    }
    if (!text.startsWith('${', index)) {
      value += text[index++];
      continue;
    }
    const end = text.indexOf('}', index + 2);
    if (end < 0) {
      problems.push(`Unclosed "\${" in "${text}"; close it with "}" or write "$\${" for a literal "\${"`);
      value += text.slice(index);
      break;
    }
    const inner = text.slice(index + 2, end);
    index = end + 1;
    const match = NAME.exec(inner);
    if (!match) {
      problems.push(`Invalid variable reference "\${${inner}}"; write "\${NAME}" or "\${NAME:-default}"`);
      continue;
    }
    const [, name, fallback] = match;
    const set = env[name!];
    // As in the shell, `:-` also replaces a variable that is set but empty.
    if (set !== undefined && !(set === '' && fallback !== undefined)) value += set;
    else if (fallback !== undefined) value += fallback;
    else problems.push(`Environment variable "${name}" is not set; set it or write "\${${name}:-default}" to give a default`);
  }
  return { value, problems };
}
