// inspectShell: one shell command line in, an Inspection out. Restricted mode's verdict is
// `violation`; the canonical commands feed dangerous-pattern matching in every mode.
import type { Node } from 'web-tree-sitter';
import type { Inspection } from '../policy/types.js';
import { bashParser } from './parsers.js';
import { collectCommands, matchShellPatterns } from './shell-patterns.js';
import { parseExtraCommands, restrictedViolations } from './shell-check.js';
import { excerpt } from './shell-words.js';

export interface ShellOptions {
  /** Extra allowlist entries: a command name, or a name with leading words (`git stash list`). */
  allowCommands?: readonly string[];
  /** Dangerous patterns as written in config; command-like ones are matched on the parsed form. */
  dangerousPatterns?: readonly string[];
}

/** Longest command line the check parses; longer ones are refused rather than parsed slowly. */
export const MAX_COMMAND_LENGTH = 100_000;

// Characters bash and tree-sitter may split words on differently: controls other than tab and
// newline, and Unicode spaces, which bash keeps inside a word.
const AMBIGUOUS_CHARS = /[\x00-\x08\x0b-\x1f\x7f\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** Checks a command line. Call `initParsers()` first; before that it reports not understood. Never throws. */
export function inspectShell(command: string, options: ShellOptions = {}): Inspection {
  try {
    return inspect(command, options);
  } catch (error) {
    return notUnderstood(`the shell check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function inspect(command: string, options: ShellOptions): Inspection {
  const parser = bashParser();
  if (!parser) return notUnderstood('the bash parser is not loaded');
  if (typeof command !== 'string') return notUnderstood('the command is not a string');
  if (command.length > MAX_COMMAND_LENGTH) return notUnderstood(`the command is longer than ${MAX_COMMAND_LENGTH} characters`);
  const tree = parser.parse(command);
  if (!tree) return notUnderstood('the command could not be parsed');
  try {
    const root = tree.rootNode;
    const commands = collectCommands(root, parser);
    const patternTexts = [...new Set(commands.map((canonical) => canonical.text))];
    const matchedPatterns = matchShellPatterns(commands, options.dangerousPatterns ?? [], parser);
    const base = { check: 'shell' as const, patternTexts, ...(matchedPatterns.length > 0 ? { matchedPatterns } : {}) };
    const ambiguous = AMBIGUOUS_CHARS.exec(command);
    if (ambiguous) {
      const code = (ambiguous[0].codePointAt(0) as number).toString(16).padStart(4, '0');
      return { ...base, understood: false, writes: true, violation: `control or space character "\\u${code}" is not allowed` };
    }
    if (root.hasError) {
      return { ...base, understood: false, writes: true, violation: `the command could not be parsed near "${errorExcerpt(root, command)}"` };
    }
    // tree-sitter drops backslash-newline silently, so the tree alone would not show it.
    if (/\\\r?\n/.test(command)) return { ...base, understood: true, writes: true, violation: 'line continuation "\\" is not allowed' };
    const violations = restrictedViolations(root, parseExtraCommands(options.allowCommands));
    if (violations.length > 0) return { ...base, understood: true, writes: true, violation: violations[0] };
    if (commands.length === 0) return { ...base, understood: true, writes: true, violation: 'the command is empty' };
    return { ...base, understood: true, writes: false };
  } finally {
    tree.delete();
  }
}

function errorExcerpt(root: Node, command: string): string {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.isError || node.isMissing) {
      const text = node.text || node.parent?.text || command;
      return excerpt(text, 30);
    }
    for (const child of node.children) if (child && (child.hasError || child.isMissing)) stack.push(child);
  }
  return excerpt(command, 30);
}

function notUnderstood(violation: string): Inspection {
  return { check: 'shell', understood: false, writes: true, violation, patternTexts: [] };
}
