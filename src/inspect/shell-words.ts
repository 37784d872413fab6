// Turns tree-sitter-bash word nodes into the literal text bash would pass to the program, and says
// when it cannot: any expansion makes the value depend on state the check cannot see.
import type { Node } from 'web-tree-sitter';

/** A run of characters from a word, and whether quoting protects it from glob and brace expansion. */
export interface Segment {
  text: string;
  quoted: boolean;
}

export interface WordValue {
  /** The literal value, or a best-effort rendering (expansions as written) when `problems` is not empty. */
  value: string;
  segments: Segment[];
  /** Why the value is not a plain literal, as violation messages. */
  problems: string[];
}

/** Shortens a source excerpt for a message. */
export function excerpt(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Decodes one argument, command name or redirect target. */
export function wordValue(node: Node): WordValue {
  const result: WordValue = { value: '', segments: [], problems: [] };
  addNode(node, result);
  result.value = result.segments.map((segment) => segment.text).join('');
  return result;
}

function addNode(node: Node, out: WordValue): void {
  switch (node.type) {
    case 'word':
      addUnquoted(node.text, out);
      return;
    case 'command_name':
    case 'concatenation':
      for (const child of node.children) if (child) addNode(child, out);
      return;
    case 'number':
      out.segments.push({ text: node.text, quoted: false });
      return;
    case 'raw_string':
      out.segments.push({ text: node.text.slice(1, -1), quoted: true });
      return;
    case 'string':
      addDoubleQuoted(node, out);
      return;
    case 'ansi_c_string':
      out.segments.push({ text: decodeAnsiC(node.text.slice(2, -1)), quoted: true });
      out.problems.push(`ANSI-C quoting "${excerpt(node.text)}" is not allowed`);
      return;
    default:
      out.segments.push({ text: node.text, quoted: true });
      out.problems.push(problemFor(node));
  }
}

function problemFor(node: Node): string {
  const text = excerpt(node.text);
  switch (node.type) {
    case 'command_substitution':
      return `command substitution "${text}" is not allowed`;
    case 'process_substitution':
      return `process substitution "${text}" is not allowed`;
    case 'simple_expansion':
    case 'expansion':
      return `variable expansion "${text}" is not allowed`;
    case 'arithmetic_expansion':
      return `arithmetic expansion "${text}" is not allowed`;
    case 'brace_expression':
      return `brace expansion "${text}" is not allowed`;
    case 'translated_string':
      return `locale quoting "${text}" is not allowed`;
    default:
      return `unsupported shell syntax "${text}" (${node.type})`;
  }
}

// Outside quotes a backslash makes the next character literal; the backslash itself disappears.
function addUnquoted(text: string, out: WordValue): void {
  let plain = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\' && i + 1 < text.length) {
      if (plain) out.segments.push({ text: plain, quoted: false });
      plain = '';
      out.segments.push({ text: text[i + 1] as string, quoted: true });
      i++;
    } else {
      plain += char;
    }
  }
  if (plain) out.segments.push({ text: plain, quoted: false });
}

// Inside double quotes a backslash only escapes $ ` " \ and newline; anything but literal content
// (an expansion or substitution) is a problem.
function addDoubleQuoted(node: Node, out: WordValue): void {
  for (const child of node.children) {
    if (!child) continue;
    if (child.type === '"') continue;
    if (child.type === 'string_content') {
      out.segments.push({ text: child.text.replace(/\\([$`"\\\n])/g, '$1'), quoted: true });
    } else if (child.type === '$' && !child.isNamed) {
      // A lone "$" that starts no expansion ("foo$") is literal.
      out.segments.push({ text: '$', quoted: true });
    } else {
      out.segments.push({ text: child.text, quoted: true });
      out.problems.push(problemFor(child));
    }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** Best-effort decoding of `$'…'` for dangerous-pattern matching; restricted mode refuses it anyway. */
export function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs,
    (whole, escape: string) => {
      const head = escape[0] as string;
      if (head === 'x' || head === 'u' || head === 'U') return safeCodePoint(parseInt(escape.slice(1), 16));
      if (/[0-7]/.test(head)) return String.fromCharCode(parseInt(escape, 8) & 0xff);
      if (head === 'c' && escape.length === 2) return String.fromCharCode(escape.charCodeAt(1) & 0x1f);
      return SIMPLE_ESCAPES[escape] ?? whole;
    },
  );
}

function safeCodePoint(code: number): string {
  return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
}

/** Whether an unquoted part of the word would undergo glob or brace expansion. */
export function hasPatternChars(segments: Segment[]): boolean {
  let unquoted = '';
  for (const segment of segments) unquoted += segment.quoted ? '_' : segment.text;
  if (/[*?[]/.test(unquoted)) return true;
  // Extended globs such as @(a|b) when extglob is on.
  if (/[@!+]\(/.test(unquoted)) return true;
  return hasBraceExpansion(unquoted);
}

// Bash expands {a,b} and {1..3}, but leaves {1} or HEAD@{1} alone.
function hasBraceExpansion(text: string): boolean {
  for (let open = text.indexOf('{'); open !== -1; open = text.indexOf('{', open + 1)) {
    const close = text.indexOf('}', open);
    if (close === -1) return false;
    const inner = text.slice(open + 1, close);
    if (inner.includes(',') || inner.includes('..') || inner.includes('{')) return true;
  }
  return false;
}

/** Whether the word's first character is a literal, so no expansion can turn it into a flag. */
export function startsWithLiteral(segments: Segment[]): boolean {
  const first = segments.find((segment) => segment.text.length > 0);
  if (!first) return true;
  const char = first.text[0] as string;
  if (char === '-') return false;
  return first.quoted || !/[*?[{@!+~]/.test(char);
}
