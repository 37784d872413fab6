// Read-only check of MySQL and SQLite with node-sql-parser: one SELECT (or SHOW/DESCRIBE, or a plain
// EXPLAIN of a SELECT) whose every typed node is on a read-only list, after a lexical pass for the
// tricks that parser reads differently from the server.
import { createRequire } from 'node:module';
import { unsafeFunction, type UnsafeFunctions } from './sql-functions.js';
import { lexSql, type SqlToken } from './sql-lexer.js';
import type { SqlFacts } from './sql-postgres.js';

const require = createRequire(import.meta.url);

interface SqlParser {
  astify(sql: string, options: { database: string }): unknown;
}

const parsers = new Map<string, SqlParser>();

// Each dialect's grammar is a separate bundle; loading only the one in use keeps start-up small.
function parserFor(dialect: 'mysql' | 'sqlite'): SqlParser {
  let parser = parsers.get(dialect);
  if (!parser) {
    const module = require(`node-sql-parser/build/${dialect}`) as { Parser: new () => SqlParser };
    parser = new module.Parser();
    parsers.set(dialect, parser);
  }
  return parser;
}

/** Loads the parser of a dialect ahead of the first check. */
export function loadGenericParser(dialect: 'mysql' | 'sqlite'): void {
  parserFor(dialect);
}

/** `type` values of nodes that only compute values from what they read. */
const READ_TYPES = new Set([
  'select', 'column_ref', 'binary_expr', 'unary_expr', 'number', 'aggr_func', 'star', 'default', 'expr_list',
  'single_quote_string', 'double_quote_string', 'backticks_quote_string', 'natural_string', 'hex_string',
  'full_hex_string', 'bit_string', 'null', 'bool', 'boolean', 'case', 'when', 'else', 'cast', 'function',
  'interval', 'window', 'var', 'origin', 'param', 'dual', 'ASC', 'DESC', 'date', 'time', 'timestamp',
  'datetime', 'extract', 'array', 'struct', 'convert', 'collate', 'window_frame', 'interval_expr', 'tables',
  'columns', 'regexp', 'json', 'datatype', 'string', 'over', 'expr', 'literal_string', 'trim', 'distinct',
  'column_definition', 'parameter', 'fulltext_search',
]);

const WRITE_WORDS: Record<string, string> = {
  insert: 'INSERT', update: 'UPDATE', delete: 'DELETE', replace: 'REPLACE', create: 'CREATE', drop: 'DROP',
  alter: 'ALTER', truncate: 'TRUNCATE', rename: 'RENAME', set: 'SET', use: 'USE', lock: 'LOCK', unlock: 'UNLOCK',
  grant: 'GRANT', revoke: 'REVOKE', attach: 'ATTACH', detach: 'DETACH', pragma: 'PRAGMA', transaction: 'transaction control',
  call: 'CALL', load_data: 'LOAD DATA', exec: 'EXECUTE', assign: 'variable assignment',
};

/** Checks MySQL or SQLite text. Never throws. */
export function checkGeneric(sql: string, dialect: 'mysql' | 'sqlite', unsafe: UnsafeFunctions): SqlFacts {
  const lexed = lexSql(sql, dialect);
  const tokens = lexed.tokens;
  if (lexed.executableComment) return { understood: true, violation: `executable comment "${lexed.executableComment.slice(0, 3)}" is not allowed`, tokens };
  if (lexed.unterminated) return { understood: false, violation: `unterminated quote or comment near "${lexed.unterminated}"`, tokens };
  if (lexed.ambiguousDashes) return { understood: true, violation: '"--" without a following space is not a comment in MySQL', tokens };
  if (dialect === 'mysql' && lexed.backslashString) {
    return { understood: true, violation: `backslash in string literal ${lexed.backslashString.slice(0, 30)} depends on NO_BACKSLASH_ESCAPES`, tokens };
  }
  let ast: unknown;
  try {
    ast = parserFor(dialect).astify(sql, { database: dialect === 'mysql' ? 'MySQL' : 'SQLite' });
  } catch (error) {
    return { understood: false, violation: `the SQL could not be parsed: ${firstLine(error)}`, tokens };
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length === 0 || tokens.length === 0) return { understood: true, violation: 'the SQL has no statement', tokens };
  // The parser drops a trailing empty statement, but counts every other one.
  const counted = statements.length > 1 ? statements.length : countStatements(tokens);
  if (counted > 1) return { understood: true, violation: `${counted} statements; only one is allowed`, tokens };
  const violation = checkStatement(statements[0] as Node, tokens, unsafe);
  return violation ? { understood: true, violation, tokens } : { understood: true, tokens };
}

type Node = Record<string, unknown>;

function checkStatement(statement: Node, tokens: SqlToken[], unsafe: UnsafeFunctions): string | undefined {
  const type = text(statement.type);
  if (type === 'select') return walk(statement, unsafe);
  if (type === 'show' || type === 'desc') return undefined;
  if (type === 'explain') {
    const second = tokens[1]?.text.toUpperCase();
    if (second === 'ANALYZE' || second === 'QUERY') return 'EXPLAIN ANALYZE runs the statement';
    const inner = statement.expr as Node | undefined;
    if (!inner || inner.type !== 'select') return `statement "EXPLAIN ${text(inner?.type).toUpperCase()}" is not a read`;
    return walk(inner, unsafe);
  }
  return `statement "${WRITE_WORDS[type] ?? type.toUpperCase()}" is not a read`;
}

function walk(root: Node, unsafe: UnsafeFunctions): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      stack.push(...(current as unknown[]));
      continue;
    }
    if (!current || typeof current !== 'object') continue;
    const node = current as Node;
    const violation = checkNode(node, unsafe);
    if (violation) return violation;
    for (const value of Object.values(node)) if (value && typeof value === 'object') stack.push(value);
  }
  return undefined;
}

function checkNode(node: Node, unsafe: UnsafeFunctions): string | undefined {
  const into = node.into as Node | undefined;
  if (into && (into.keyword || into.expr)) return intoViolation(text(into.keyword));
  const locking = node.locking_read ?? node.for_update;
  if (locking) return `locking clause "${String(typeof locking === 'string' ? locking : 'FOR UPDATE').toUpperCase()}" is not allowed`;
  const type = node.type;
  if (typeof type !== 'string') return undefined;
  if (type === 'function') return unsafeFunction(functionName(node), unsafe);
  if (type === 'aggr_func') return unsafeFunction([text(node.name)], unsafe);
  if (READ_TYPES.has(type)) return undefined;
  if (WRITE_WORDS[type]) return `statement "${WRITE_WORDS[type]}" inside the query is not a read`;
  return `"${type}" is not allowed in a read-only query`;
}

function intoViolation(keyword: string): string {
  if (keyword === 'outfile' || keyword === 'dumpfile') return `SELECT INTO ${keyword.toUpperCase()} writes a file`;
  if (keyword === 'var') return 'SELECT INTO a variable assigns it';
  return 'SELECT INTO writes a table';
}

function functionName(node: Node): string[] {
  const name = node.name as { name?: Array<{ value?: unknown }>; schema?: { value?: unknown } } | string | undefined;
  if (typeof name === 'string') return [name];
  const parts = (name?.name ?? []).map((part) => text(part.value));
  if (name?.schema?.value) parts.unshift(text(name.schema.value));
  return parts.length > 0 ? parts : [''];
}

// node-sql-parser's AST is untyped: a name or keyword is a string, and anything else reads as no
// text (a statement type that is no text is still refused: only the read types pass).
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function countStatements(tokens: SqlToken[]): number {
  let count = 0;
  let open = false;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === ';') {
      if (open) count++;
      open = false;
    } else {
      open = true;
    }
  }
  return count + (open ? 1 : 0);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.slice(0, 160) ?? '';
}
