// Read-only check of PostgreSQL with libpg-query (PostgreSQL's own parser): exactly one SELECT
// (or VALUES, TABLE, SHOW, plain EXPLAIN of a SELECT) whose every node is on a read-only list.
import type { scanSync } from 'libpg-query';
import { postgresParser } from './parsers.js';
import { unsafeFunction, type UnsafeFunctions } from './sql-functions.js';
import type { SqlToken } from './sql-lexer.js';

/** Node types that only compute values from what they read. Anything else in the tree is refused. */
const READ_NODES = new Set([
  'SelectStmt', 'ResTarget', 'ColumnRef', 'A_Star', 'A_Const', 'String', 'Integer', 'Float', 'Boolean',
  'BitString', 'List', 'RangeVar', 'JoinExpr', 'RangeSubselect', 'RangeFunction', 'RangeTableSample',
  'RangeTableFunc', 'RangeTableFuncCol', 'FuncCall', 'A_Expr', 'BoolExpr', 'SubLink', 'NullTest',
  'BooleanTest', 'CaseExpr', 'CaseWhen', 'CoalesceExpr', 'MinMaxExpr', 'TypeCast', 'TypeName', 'SortBy',
  'WindowDef', 'CommonTableExpr', 'CTESearchClause', 'CTECycleClause', 'ColumnDef', 'A_Indirection',
  'A_Indices', 'A_ArrayExpr', 'RowExpr', 'ParamRef', 'CollateClause', 'GroupingSet', 'GroupingFunc',
  'SQLValueFunction', 'NamedArgExpr', 'XmlExpr', 'XmlSerialize', 'Alias', 'DefElem',
  'JsonIsPredicate', 'JsonKeyValue', 'JsonObjectConstructor', 'JsonArrayConstructor',
  'JsonArrayQueryConstructor', 'JsonAggConstructor', 'JsonObjectAgg', 'JsonArrayAgg', 'JsonValueExpr',
  'JsonOutput', 'JsonReturning', 'JsonFormat', 'JsonFuncExpr', 'JsonBehavior', 'JsonArgument',
  'JsonParseExpr', 'JsonScalarExpr', 'JsonSerializeExpr', 'JsonTable', 'JsonTableColumn', 'JsonTablePathSpec',
]);

const STATEMENT_NAMES: Record<string, string> = {
  VariableSetStmt: 'SET', TransactionStmt: 'transaction control', CopyStmt: 'COPY', DoStmt: 'DO',
  CallStmt: 'CALL', LockStmt: 'LOCK', ListenStmt: 'LISTEN', NotifyStmt: 'NOTIFY', UnlistenStmt: 'UNLISTEN',
  PrepareStmt: 'PREPARE', ExecuteStmt: 'EXECUTE', DeallocateStmt: 'DEALLOCATE', CreateTableAsStmt: 'CREATE TABLE AS',
  DeclareCursorStmt: 'DECLARE CURSOR', FetchStmt: 'FETCH', ClosePortalStmt: 'CLOSE', VacuumStmt: 'VACUUM',
  ExplainStmt: 'EXPLAIN', LoadStmt: 'LOAD', DiscardStmt: 'DISCARD', CheckPointStmt: 'CHECKPOINT',
  CreateStmt: 'CREATE TABLE', CreateFunctionStmt: 'CREATE FUNCTION', RuleStmt: 'CREATE RULE', ViewStmt: 'CREATE VIEW',
};

const LOCKING: Record<string, string> = {
  LCS_FORUPDATE: 'FOR UPDATE', LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE', LCS_FORSHARE: 'FOR SHARE', LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

export interface SqlFacts {
  understood: boolean;
  violation?: string;
  tokens: SqlToken[];
}

/** The SQL keyword a statement node stands for: DeleteStmt → DELETE, AlterTableStmt → ALTER TABLE. */
export function statementName(node: string): string {
  return STATEMENT_NAMES[node] ?? node.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** Checks PostgreSQL text; libpg-query must be loaded. */
export function checkPostgres(sql: string, unsafe: UnsafeFunctions): SqlFacts {
  const tokens = postgresTokens(sql);
  let parsed: { stmts?: Array<{ stmt?: Record<string, unknown> }> };
  try {
    parsed = loadedPostgres().parseSync(sql);
  } catch (error) {
    return { understood: false, violation: `the SQL could not be parsed: ${error instanceof Error ? error.message : String(error)}`, tokens };
  }
  const statements = parsed.stmts ?? [];
  if (statements.length === 0) return { understood: true, violation: 'the SQL has no statement', tokens };
  if (statements.length > 1) return { understood: true, violation: `${statements.length} statements; only one is allowed`, tokens };
  const backslash = tokens.find((token) => token.kind === 'string' && token.text.startsWith("'") && token.text.includes('\\'));
  if (backslash) return { understood: true, violation: `backslash in string literal ${quoteExcerpt(backslash.text)} depends on standard_conforming_strings`, tokens };
  const violation = checkStatement(statements[0]?.stmt ?? {}, unsafe);
  return violation ? { understood: true, violation, tokens } : { understood: true, tokens };
}

function checkStatement(statement: Record<string, unknown>, unsafe: UnsafeFunctions): string | undefined {
  const [kind, body] = Object.entries(statement)[0] ?? ['', undefined];
  if (kind === 'SelectStmt') return walk(body, unsafe);
  if (kind === 'VariableShowStmt') return undefined;
  if (kind === 'ExplainStmt') {
    const explain = body as { query?: Record<string, unknown>; options?: unknown[] };
    const analyze = JSON.stringify(explain.options ?? []).includes('"defname":"analyze"');
    if (analyze) return 'EXPLAIN ANALYZE runs the statement';
    const inner = Object.keys(explain.query ?? {})[0] ?? '';
    if (inner !== 'SelectStmt') return `statement "EXPLAIN ${statementName(inner)}" is not a read`;
    return walk(explain.query, unsafe);
  }
  return `statement "${statementName(kind)}" is not a read`;
}

// Every object key that starts with a capital letter is a node type; lower-case keys are fields,
// of which intoClause (SELECT INTO) and lockingClause (FOR UPDATE…) carry writes without a node.
function walk(value: unknown, unsafe: UnsafeFunctions): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      stack.push(...(current as unknown[]));
      continue;
    }
    if (!current || typeof current !== 'object') continue;
    for (const [key, child] of Object.entries(current as Record<string, unknown>)) {
      const violation = checkKey(key, child, unsafe);
      if (violation) return violation;
      if (child && typeof child === 'object') stack.push(child);
    }
  }
  return undefined;
}

function checkKey(key: string, child: unknown, unsafe: UnsafeFunctions): string | undefined {
  if (key === 'intoClause') {
    const name = (child as { rel?: { relname?: string } }).rel?.relname ?? '';
    return `SELECT INTO "${name}" creates a table`;
  }
  if (key === 'LockingClause') {
    const strength = (child as { strength?: string }).strength ?? '';
    return `locking clause "${LOCKING[strength] ?? strength}" is not allowed`;
  }
  if (!/^[A-Z]/.test(key)) return undefined;
  if (key === 'FuncCall') return unsafeFunction(stringParts((child as { funcname?: unknown }).funcname), unsafe);
  // Attribute notation (row.func) calls a function of one composite argument; only user-defined
  // functions take one, so only the configured names are looked for here.
  if (key === 'ColumnRef') {
    const part = stringParts((child as { fields?: unknown }).fields).find((name) => unsafe.names.has(name.toLowerCase()));
    return part === undefined ? undefined : `function "${part}" has side effects`;
  }
  if (READ_NODES.has(key)) return undefined;
  if (/Stmt$/.test(key)) return `statement "${statementName(key)}" inside the query is not a read`;
  return `"${key}" is not allowed in a read-only query`;
}

function stringParts(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const sval = (item as { String?: { sval?: string } }).String?.sval;
    return typeof sval === 'string' ? [sval] : [];
  });
}

function quoteExcerpt(text: string): string {
  return text.length > 30 ? `${text.slice(0, 29)}…` : text;
}

/** Tokens from PostgreSQL's own scanner, without comments, for normalised text and pattern matching. */
export function postgresTokens(sql: string): SqlToken[] {
  let scanned: ReturnType<typeof scanSync>;
  try {
    scanned = loadedPostgres().scanSync(sql);
  } catch {
    return [];
  }
  const tokens: SqlToken[] = [];
  for (const token of scanned.tokens) {
    if (token.tokenName === 'C_COMMENT' || token.tokenName === 'SQL_COMMENT') continue;
    if (token.tokenName === 'SCONST' || token.tokenName === 'USCONST') tokens.push({ text: token.text, kind: 'string' });
    else if (token.tokenName === 'IDENT' && token.text.startsWith('"')) tokens.push({ text: token.text.slice(1, -1).replace(/""/g, '"'), kind: 'identifier' });
    else if (token.tokenName === 'IDENT' || token.keywordKind !== 0) tokens.push({ text: token.text, kind: 'word' });
    else if (token.tokenName === 'ICONST' || token.tokenName === 'FCONST') tokens.push({ text: token.text, kind: 'number' });
    else tokens.push({ text: token.text, kind: 'punct' });
  }
  return tokens;
}

/** The loaded parser; callers check `postgresLoaded()` first, and a throw here is caught as not understood. */
function loadedPostgres(): NonNullable<ReturnType<typeof postgresParser>> {
  const parser = postgresParser();
  if (!parser) throw new Error('The PostgreSQL parser is not loaded');
  return parser;
}
