// inspectSql: one SQL text in, an Inspection out. `violation` says why it is not a plain read;
// the normalised statement text (no comments, upper-cased keywords) feeds dangerous patterns.
import type { Inspection } from '../policy/types.js';
import { postgresLoaded } from './parsers.js';
import { compileUnsafe } from './sql-functions.js';
import { checkGeneric } from './sql-generic.js';
import { matchSqlPatterns, tokenKeys, tokensText } from './sql-lexer.js';
import { checkPostgres, type SqlFacts } from './sql-postgres.js';

export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

export interface SqlOptions {
  /** Extra functions with side effects, bare (`purge`) or schema-qualified (`app.purge`). */
  unsafeFunctions?: readonly string[];
  dangerousPatterns?: readonly string[];
}

/** Longest SQL text the check parses. */
export const MAX_SQL_LENGTH = 200_000;

/** Checks SQL for the dialect. For postgres call `initParsers()` first. Never throws. */
export function inspectSql(sql: string, dialect: SqlDialect, options: SqlOptions = {}): Inspection {
  try {
    if (typeof sql !== 'string') return notUnderstood('the SQL is not a string');
    if (sql.length > MAX_SQL_LENGTH) return notUnderstood(`the SQL is longer than ${MAX_SQL_LENGTH} characters`);
    if (sql.includes('\0')) return notUnderstood('the SQL contains a NUL character');
    const unsafe = compileUnsafe(options.unsafeFunctions);
    let facts: SqlFacts;
    if (dialect === 'postgres') {
      if (!postgresLoaded()) return notUnderstood('the PostgreSQL parser is not loaded');
      facts = checkPostgres(sql, unsafe);
    } else if (dialect === 'mysql' || dialect === 'sqlite') {
      facts = checkGeneric(sql, dialect, unsafe);
    } else {
      return notUnderstood(`SQL dialect "${String(dialect)}" is not supported`);
    }
    const matchedPatterns = matchSqlPatterns(tokenKeys(facts.tokens), options.dangerousPatterns ?? []);
    const text = tokensText(facts.tokens);
    return {
      check: 'database',
      understood: facts.understood,
      writes: facts.violation !== undefined || !facts.understood,
      ...(facts.violation !== undefined ? { violation: facts.violation } : {}),
      patternTexts: text ? [text] : [],
      ...(matchedPatterns.length > 0 ? { matchedPatterns } : {}),
    };
  } catch (error) {
    return notUnderstood(`the SQL check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function notUnderstood(violation: string): Inspection {
  return { check: 'database', understood: false, writes: true, violation, patternTexts: [] };
}
