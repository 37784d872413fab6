// The restricted-shell check: walks the whole bash syntax tree and accepts only lists and pipelines
// of simple commands on the read-only allowlist. Every node type not handled here is a violation.
import type { Node } from 'web-tree-sitter';
import { COMMANDS, countPositionals, findForbidden, globSafe, type CommandSpec } from './shell-allowlist.js';
import { excerpt, hasPatternChars, startsWithLiteral, wordValue } from './shell-words.js';

/** Operator operands of a list, pipeline or program that join commands without side effects. */
const JOINERS = new Set([';', '&&', '||', '|', '|&', '\n']);

/** Redirect operators that send output somewhere; only /dev/null is an acceptable file for them. */
const OUTPUT_OPERATORS = new Set(['>', '>>', '&>', '&>>', '>|']);

export interface ExtraCommand {
  words: string[];
}

/** Parses `allowCommands` entries ("make", "git stash list") into word lists. */
export function parseExtraCommands(entries: readonly string[] | undefined): ExtraCommand[] {
  return (entries ?? [])
    .map((entry) => entry.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0)
    .map((words) => ({ words }));
}

/** Returns every reason the program is not a provably read-only command line, in source order. */
export function restrictedViolations(root: Node, extra: readonly ExtraCommand[]): string[] {
  const out: string[] = [];
  visitStatementList(root, extra, out);
  return out;
}

function visitStatementList(node: Node, extra: readonly ExtraCommand[], out: string[]): void {
  for (const child of node.children) {
    if (!child) continue;
    if (!child.isNamed) {
      if (child.type === '&') out.push('background "&" is not allowed');
      else if (!JOINERS.has(child.type)) out.push(`unsupported shell syntax "${excerpt(child.type)}"`);
      continue;
    }
    visitStatement(child, extra, out);
  }
}

function visitStatement(node: Node, extra: readonly ExtraCommand[], out: string[]): void {
  switch (node.type) {
    case 'comment':
      return;
    case 'list':
    case 'pipeline':
      visitStatementList(node, extra, out);
      return;
    case 'command':
      visitCommand(node, extra, out);
      return;
    case 'redirected_statement':
      visitRedirected(node, extra, out);
      return;
    case 'subshell':
      out.push(`subshell "${excerpt(node.text)}" is not allowed`);
      return;
    case 'compound_statement':
      out.push(`command group "${excerpt(node.text)}" is not allowed`);
      return;
    case 'function_definition':
      out.push(`function definition "${excerpt(node.text)}" is not allowed`);
      return;
    case 'variable_assignment':
    case 'variable_assignments':
      out.push(`variable assignment "${excerpt(node.text)}" is not allowed`);
      return;
    case 'negated_command':
      out.push(`negation "${excerpt(node.text)}" is not allowed`);
      return;
    default:
      out.push(`unsupported shell syntax "${excerpt(node.text)}" (${node.type})`);
  }
}

function visitRedirected(node: Node, extra: readonly ExtraCommand[], out: string[]): void {
  for (const child of node.children) {
    if (!child) continue;
    if (child.type.endsWith('_redirect')) visitRedirect(child, out);
    else if (child.isNamed) visitStatement(child, extra, out);
    else out.push(`unsupported shell syntax "${excerpt(child.type)}"`);
  }
}

function visitRedirect(node: Node, out: string[]): void {
  if (node.type === 'heredoc_redirect') {
    out.push(`here-document "${excerpt(node.text)}" is not allowed`);
    return;
  }
  if (node.type === 'herestring_redirect') {
    for (const child of node.namedChildren) if (child) out.push(...wordValue(child).problems);
    return;
  }
  if (node.type !== 'file_redirect') {
    out.push(`unsupported redirection "${excerpt(node.text)}"`);
    return;
  }
  let operator = '';
  const destinations: Node[] = [];
  for (const child of node.children) {
    if (!child) continue;
    if (child.type === 'file_descriptor') continue;
    if (!child.isNamed) operator = child.type;
    else destinations.push(child);
  }
  // tree-sitter-bash files the words after a redirection's target under the redirection too
  // (`> /tmp/f /dev/null`), while bash opens the first and passes the rest to the command. Rather
  // than guess which word is which, a redirection must have exactly one target, and every word is checked.
  for (const destination of destinations) {
    const problems = wordValue(destination).problems;
    if (problems.length > 0) {
      out.push(...problems);
      return;
    }
  }
  const extraWords = destinations.length > 1;
  const before = out.length;
  // Bash opens the first word: judge it as the target, then refuse the extra words anyway.
  checkRedirectTarget(node, operator, destinations[0], out);
  if (extraWords && out.length === before) {
    out.push(`redirection "${excerpt(node.text)}" has words after its target; put the command's arguments before the redirection`);
  }
}

function checkRedirectTarget(node: Node, operator: string, destination: Node | undefined, out: string[]): void {
  const target = destination ? wordValue(destination) : undefined;
  if (target && target.problems.length > 0) {
    out.push(...target.problems);
    return;
  }
  const value = target?.value;
  if (operator === '<' && target) {
    if (hasPatternChars(target.segments)) out.push(`glob in redirection "${excerpt(node.text)}" is not allowed`);
    return;
  }
  // Duplicating or closing a descriptor (2>&1, >&-) opens no file.
  if ((operator === '>&' || operator === '<&') && (value === undefined || /^\d+-?$|^-$/.test(value))) return;
  if (operator === '>&-' || operator === '<&-') return;
  if (OUTPUT_OPERATORS.has(operator) && value === '/dev/null') return;
  if (operator === '>&' || OUTPUT_OPERATORS.has(operator)) {
    out.push(`output redirection "${operator}" writes a file`);
    return;
  }
  out.push(`redirection "${excerpt(node.text)}" is not allowed`);
}

function visitCommand(node: Node, extra: readonly ExtraCommand[], out: string[]): void {
  let nameNode: Node | null = null;
  const argNodes: Node[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    const field = node.fieldNameForChild(i);
    if (field === 'name') nameNode = child;
    else if (field === 'argument') argNodes.push(child);
    else if (child.type === 'variable_assignment') out.push(`environment assignment "${excerpt(child.text)}" is not allowed`);
    else if (child.type.endsWith('_redirect')) visitRedirect(child, out);
    else out.push(`unsupported shell syntax "${excerpt(child.text)}" (${child.type})`);
  }
  if (!nameNode) {
    out.push(`command "${excerpt(node.text)}" has no name`);
    return;
  }
  const name = wordValue(nameNode);
  if (name.problems.length > 0) {
    out.push(...name.problems.map((problem) => `${problem} in command position`));
    return;
  }
  const args = argNodes.map((argNode) => wordValue(argNode));
  const problems = args.flatMap((arg) => arg.problems);
  if (problems.length > 0) {
    out.push(...problems);
    return;
  }
  const values = args.map((arg) => arg.value);
  const violation = checkCommand(name.value, values, extra, hasPatternChars(name.segments));
  if (violation) {
    out.push(violation);
    return;
  }
  const spec = COMMANDS.get(name.value);
  if (!spec || !globSafe(spec)) {
    const risky = args.find((arg) => hasPatternChars(arg.segments) && !startsWithLiteral(arg.segments));
    if (risky) out.push(`glob "${excerpt(risky.value)}" could expand to a flag of "${name.value}"; start it with "./"`);
  }
}

/** Checks one simple command with literal words against the allowlist and its forbidden flags. */
export function checkCommand(name: string, args: string[], extra: readonly ExtraCommand[], nameIsPattern = false): string | undefined {
  if (nameIsPattern) return `glob or brace expansion in command name "${excerpt(name)}" is not allowed`;
  const words = [name, ...args];
  const extension = extra.find((entry) => entry.words.every((word, i) => words[i] === word));
  if (extension) {
    const spec = COMMANDS.get(name);
    const flag = spec ? findForbidden(args, spec) : undefined;
    return flag ? `"${name}" flag "${flag}" is forbidden` : undefined;
  }
  if (name === '') return 'empty command name is not allowed';
  if (name.includes('/')) return `command "${excerpt(name)}" is given by path; use a bare command name`;
  const spec = COMMANDS.get(name);
  if (!spec) return `"${excerpt(name)}" is not on the read-only allowlist`;
  return checkSpec(name, args, spec);
}

function checkSpec(name: string, args: string[], spec: CommandSpec): string | undefined {
  if (spec.check) return spec.check(args);
  const flag = findForbidden(args, spec);
  if (flag) return `"${name}" flag "${flag}" is forbidden`;
  if (spec.maxPositionals !== undefined && countPositionals(args, spec) > spec.maxPositionals) {
    return `"${name}" with more than ${spec.maxPositionals} file argument writes the extra one`;
  }
  return undefined;
}
