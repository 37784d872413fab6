// Definitions as YAML a person can review: the lockfile and the diffs are written with this, so a
// hidden character is as visible in a PR as in the terminal. A string holding an invisible character
// is written double-quoted and the character as a YAML escape (`\u200b`, `\U000e0041`), which any
// YAML reader turns back into the same character: the text shows it, the data keeps it.
import { Document, isScalar, visit } from 'yaml';
import { INVISIBLE, hasInvisible } from './visible.js';

/** YAML text of `value` (keys as given, no line folding) with invisible characters escaped. */
export function visibleYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    // Keys too: a tool's name can hide a character as well as its description.
    Scalar(_key, node) {
      if (typeof node.value === 'string' && hasInvisible(node.value)) node.type = 'QUOTE_DOUBLE';
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && hasInvisible(pair.key.value)) pair.key.type = 'QUOTE_DOUBLE';
    },
  });
  // Every invisible character left in the text sits inside a double-quoted scalar, where escapes are read.
  return doc.toString({ lineWidth: 0 }).replace(INVISIBLE, yamlEscape);
}

function yamlEscape(char: string): string {
  const code = char.codePointAt(0)!;
  return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
