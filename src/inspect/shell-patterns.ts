// Dangerous-pattern matching on parsed shell: every simple command anywhere in the tree (inside
// substitutions, behind wrappers, in `sh -c` scripts) is canonicalised and compared with each
// pattern that itself parses as a command.
import type { Node, Parser } from 'web-tree-sitter';
import { canonicalise, innerCommands, matches, scriptArgument, type CanonicalCommand } from './shell-canonical.js';
import { wordValue } from './shell-words.js';

const MAX_SCRIPT_DEPTH = 3;

/** Collects the canonical form of every command in the tree, including the ones wrappers run. */
export function collectCommands(root: Node, parser: Parser, depth = 0): CanonicalCommand[] {
  const out: CanonicalCommand[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === 'command') addCommand(node, parser, depth, out);
    for (let i = node.childCount - 1; i >= 0; i--) {
      const child = node.child(i);
      if (child) stack.push(child);
    }
  }
  return out;
}

function addCommand(node: Node, parser: Parser, depth: number, out: CanonicalCommand[]): void {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return;
  const values = [nameNode, ...node.childrenForFieldName('argument')].flatMap((word) => (word ? [wordValue(word)] : []));
  const dynamic = values.slice(1).some((value) => value.problems.length > 0);
  addWords(values.map((value) => value.value), parser, depth, out, dynamic);
}

function addWords(words: string[], parser: Parser, depth: number, out: CanonicalCommand[], dynamic = false): void {
  out.push({ ...canonicalise(words), ...(dynamic ? { dynamic: true } : {}) });
  for (const inner of innerCommands(words)) addWords(inner, parser, depth, out);
  const script = scriptArgument(words);
  if (script !== undefined && depth < MAX_SCRIPT_DEPTH) {
    const tree = parser.parse(script);
    if (!tree) return;
    try {
      out.push(...collectCommands(tree.rootNode, parser, depth + 1));
    } finally {
      tree.delete();
    }
  }
}

/** A pattern is matched on parsed commands when it is not a /regex/ and parses as one simple command. */
export function parsePattern(pattern: string, parser: Parser): CanonicalCommand | undefined {
  if (/^\/.*\/[a-z]*$/s.test(pattern)) return undefined;
  const tree = parser.parse(pattern);
  if (!tree) return undefined;
  try {
    const root = tree.rootNode;
    if (root.hasError || root.namedChildCount !== 1) return undefined;
    const command = root.namedChild(0);
    if (!command || command.type !== 'command') return undefined;
    const nameNode = command.childForFieldName('name');
    if (!nameNode) return undefined;
    const words = [nameNode, ...command.childrenForFieldName('argument')].map((node) => (node ? wordValue(node) : undefined));
    if (words.some((word) => !word || word.problems.length > 0)) return undefined;
    return canonicalise(words.map((word) => (word as { value: string }).value));
  } finally {
    tree.delete();
  }
}

/** The patterns (as written) that some command in the list does. */
export function matchShellPatterns(commands: readonly CanonicalCommand[], patterns: readonly string[], parser: Parser): string[] {
  const matched: string[] = [];
  for (const pattern of patterns) {
    let parsed = patternCache.get(pattern);
    if (parsed === undefined) {
      if (patternCache.size > 1000) patternCache.clear();
      parsed = parsePattern(pattern, parser) ?? null;
      patternCache.set(pattern, parsed);
    }
    if (parsed && commands.some((command) => matches(command, parsed))) matched.push(pattern);
  }
  return matched;
}

// Patterns come from config and repeat on every call; parsing each once keeps the check fast.
const patternCache = new Map<string, CanonicalCommand | null>();
