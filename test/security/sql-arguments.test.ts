// Issue 9: `{"sql":"SELECT 1","statement":"DELETE FROM users"}` was allowed because database
// inspection ignored arguments it did not know. Every string argument that parses as SQL is now
// inspected, and one that is neither SQL nor a plain value is refused.
import { beforeAll, expect, test } from 'vitest';
import { createInspector, initParsers } from '../../src/inspect/index.js';
import type { ServerConfig } from '../../src/config/types.js';

beforeAll(async () => {
  await initParsers();
});

const inspector = createInspector();
const database = (dialect: string) => ({ id: 'db', kind: 'database', dialect, inspect: {}, readonly: [], trusted: false }) as unknown as ServerConfig;

// [dialect, arguments, the violation]
const REFUSED: Array<[string, Record<string, unknown>, string]> = [
  ['postgres', { sql: 'SELECT 1', statement: 'DELETE FROM users' }, 'statement "DELETE" is not a read'],
  ['mysql', { sql: 'SELECT 1', statement: 'DELETE FROM users' }, 'statement "DELETE" is not a read'],
  ['sqlite', { sql: 'SELECT 1', statement: 'DELETE FROM users' }, 'statement "DELETE" is not a read'],
  ['postgres', { query: 'SELECT 1', sql2: 'DROP TABLE users' }, 'statement "DROP" is not a read'],
  ['postgres', { sql: 'SELECT 1', statements: 'SELECT 1; DELETE FROM t' }, '2 statements; only one is allowed'],
  ['postgres', { sql: 'SELECT 1', mode: 'commit' }, 'statement "transaction control" is not a read'],
  ['postgres', { sql: 'SELECT 1', after: 'VACUUM' }, 'statement "VACUUM" is not a read'],
  ['postgres', { sql: 'SELECT 1', params: ['DELETE FROM users'] }, 'statement "DELETE" is not a read'],
  ['postgres', { sql: 'SELECT 1', init: 'SELECT set_config($$a$$, $$b$$, false)' }, 'function "set_config" has side effects'],
  // Neither SQL nor a plain value: the server might run it, and the check cannot say what it does.
  ['sqlite', { sql: 'SELECT 1', after: 'VACUUM' }, 'tool "query": argument "after" is neither SQL nor a plain name, so the database check cannot tell what the server does with it'],
  ['mysql', { sql: 'SELECT 1', hint: 'DELETE users WHERE 1' }, 'tool "query": argument "hint" is neither SQL nor a plain name, so the database check cannot tell what the server does with it'],
  ['postgres', { sql: 'SELECT 1', note: 'drop it all, please!' }, 'tool "query": argument "note" is neither SQL nor a plain name, so the database check cannot tell what the server does with it'],
  ['postgres', { sql: 'SELECT 1', options: { statement: 'DELETE FROM users' } }, 'tool "query": argument "options" is not understood by the database check (only numbers, booleans, plain names and SQL are)'],
  ['postgres', { sql: 'SELECT 1', more: ['DELETE FROM users'] }, 'tool "query": argument "more" is not understood by the database check (only numbers, booleans, plain names and SQL are)'],
];

test.each(REFUSED)('%s refuses %j', async (dialect, args, violation) => {
  const result = await inspector.inspect(database(dialect), 'query', args, { dangerousPatterns: [] });
  expect(result?.violation).toBe(violation);
  expect(result?.writes).toBe(true);
});

// Plain values beside a read stay allowed.
const ALLOWED: Array<[string, Record<string, unknown>]> = [
  ['postgres', { sql: 'SELECT * FROM users WHERE id = $1', params: [1, 'alice@example.com', true, null] }],
  ['postgres', { sql: 'SELECT 1', database: 'main', schema: 'public', limit: 10, readonly: true, timeout: null }],
  ['mysql', { query: 'SELECT 1', database: 'shop_2024' }],
  ['postgres', { sql: 'SELECT 1', statement: 'SELECT count(*) FROM orders' }],
];

test.each(ALLOWED)('%s allows %j', async (dialect, args) => {
  const result = await inspector.inspect(database(dialect), 'query', args, { dangerousPatterns: [] });
  expect(result?.violation).toBeUndefined();
  expect(result?.understood).toBe(true);
});

test('a dangerous pattern in an extra argument is found on its parsed form', async () => {
  const result = await inspector.inspect(database('postgres'), 'query', { sql: 'SELECT 1', statement: 'drop/**/table users' }, { dangerousPatterns: ['DROP TABLE'] });
  expect(result?.matchedPatterns).toEqual(['DROP TABLE']);
});
