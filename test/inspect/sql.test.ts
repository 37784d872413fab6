// Read-only SQL: tables of statements per dialect with the exact verdict. Parse errors are pinned
// by prefix, since their text comes from the parser.
import { beforeAll, expect, test } from 'vitest';
import { initParsers, inspectSql, type SqlDialect } from '../../src/inspect/index.js';

beforeAll(async () => {
  await initParsers();
});

const PARSE_ERROR = Symbol('parse error');

const CASES: Array<[SqlDialect, string, boolean, string | null | typeof PARSE_ERROR]> = [
  ["postgres", "SELECT * FROM users WHERE id = 1", true, null],
  ["postgres", "WITH x AS (SELECT 1) SELECT * FROM x", true, null],
  ["postgres", "select count(*) from orders group by status", true, null],
  ["postgres", "select a, b from t join u on t.id = u.tid where a > 1 order by b desc limit 10", true, null],
  ["postgres", "select * from (select 1 as a) s where exists (select 1 from t where t.a = s.a)", true, null],
  ["postgres", "with recursive n(i) as (select 1 union all select i + 1 from n where i < 5) select * from n", true, null],
  ["postgres", "values (1, 'a'), (2, 'b')", true, null],
  ["postgres", "table users", true, null],
  ["postgres", "select 1 union select 2 except select 3", true, null],
  ["postgres", "explain select * from users", true, null],
  ["postgres", "show search_path", true, null],
  ["postgres", "select now(), current_user, coalesce(a, 0), row_number() over (partition by b order by c) from t", true, null],
  ["postgres", "select pg_size_pretty(pg_total_relation_size('users')), pg_get_viewdef('v'::regclass)", true, null],
  ["postgres", "select x::text, $1 from t where y = any($2)", true, null],
  ["postgres", "select 'it''s', $$dollar$$, E'esc\\n' from t", true, null],
  ["postgres", "select 1 -- trailing comment", true, null],
  ["postgres", "/* leading */ select 1", true, null],
  ["postgres", "select 1; select 2", true, "2 statements; only one is allowed"],
  ["postgres", "select 1; drop table users", true, "2 statements; only one is allowed"],
  ["postgres", "select 1;;", true, null],
  ["postgres", "drop table users", true, "statement \"DROP\" is not a read"],
  ["postgres", "drop/**/table users", true, "statement \"DROP\" is not a read"],
  ["postgres", "DrOp   TaBlE users", true, "statement \"DROP\" is not a read"],
  ["postgres", "delete from users", true, "statement \"DELETE\" is not a read"],
  ["postgres", "insert into t values (1)", true, "statement \"INSERT\" is not a read"],
  ["postgres", "update t set a = 1", true, "statement \"UPDATE\" is not a read"],
  ["postgres", "truncate t", true, "statement \"TRUNCATE\" is not a read"],
  ["postgres", "merge into t using u on t.id = u.id when matched then delete", true, "statement \"MERGE\" is not a read"],
  ["postgres", "create table t (a int)", true, "statement \"CREATE TABLE\" is not a read"],
  ["postgres", "alter table t add column b int", true, "statement \"ALTER TABLE\" is not a read"],
  ["postgres", "grant all on t to public", true, "statement \"GRANT\" is not a read"],
  ["postgres", "with x as (delete from t returning *) select * from x", true, "statement \"DELETE\" inside the query is not a read"],
  ["postgres", "with x as (insert into t values (1) returning *) select * from x", true, "statement \"INSERT\" inside the query is not a read"],
  ["postgres", "with x as (update t set a = 1 returning *) select 1", true, "statement \"UPDATE\" inside the query is not a read"],
  ["postgres", "select * from (with x as (delete from t returning 1) select * from x) s", true, "statement \"DELETE\" inside the query is not a read"],
  ["postgres", "select * into t2 from t", true, "SELECT INTO \"t2\" creates a table"],
  ["postgres", "select * from t for update", true, "locking clause \"FOR UPDATE\" is not allowed"],
  ["postgres", "select * from t for share", true, "locking clause \"FOR SHARE\" is not allowed"],
  ["postgres", "select * from t for no key update", true, "locking clause \"FOR NO KEY UPDATE\" is not allowed"],
  ["postgres", "select * from t for key share", true, "locking clause \"FOR KEY SHARE\" is not allowed"],
  ["postgres", "select * from (select * from t for update) s", true, "locking clause \"FOR UPDATE\" is not allowed"],
  ["postgres", "copy t to '/tmp/x'", true, "statement \"COPY\" is not a read"],
  ["postgres", "copy (select 1) to program 'id'", true, "statement \"COPY\" is not a read"],
  ["postgres", "explain analyze delete from t", true, "EXPLAIN ANALYZE runs the statement"],
  ["postgres", "explain (analyze) select 1", true, "EXPLAIN ANALYZE runs the statement"],
  ["postgres", "explain delete from t", true, "statement \"EXPLAIN DELETE\" is not a read"],
  ["postgres", "do $$ begin perform 1; end $$", true, "statement \"DO\" is not a read"],
  ["postgres", "call p()", true, "statement \"CALL\" is not a read"],
  ["postgres", "set role admin", true, "statement \"SET\" is not a read"],
  ["postgres", "set search_path = evil", true, "statement \"SET\" is not a read"],
  ["postgres", "reset all", true, "statement \"SET\" is not a read"],
  ["postgres", "begin", true, "statement \"transaction control\" is not a read"],
  ["postgres", "commit", true, "statement \"transaction control\" is not a read"],
  ["postgres", "rollback", true, "statement \"transaction control\" is not a read"],
  ["postgres", "lock table t", true, "statement \"LOCK\" is not a read"],
  ["postgres", "listen ch", true, "statement \"LISTEN\" is not a read"],
  ["postgres", "notify ch", true, "statement \"NOTIFY\" is not a read"],
  ["postgres", "prepare p as select 1", true, "statement \"PREPARE\" is not a read"],
  ["postgres", "execute p", true, "statement \"EXECUTE\" is not a read"],
  ["postgres", "vacuum t", true, "statement \"VACUUM\" is not a read"],
  ["postgres", "create table t2 as select * from t", true, "statement \"CREATE TABLE AS\" is not a read"],
  ["postgres", "select set_config('a', 'b', false)", true, "function \"set_config\" has side effects"],
  ["postgres", "select pg_catalog.set_config('a', 'b', false)", true, "function \"pg_catalog.set_config\" has side effects"],
  ["postgres", "select PG_CATALOG.SET_CONFIG('a', 'b', false)", true, "function \"pg_catalog.set_config\" has side effects"],
  ["postgres", "select \"set_config\"('a', 'b', false)", true, "function \"set_config\" has side effects"],
  ["postgres", "select pg_terminate_backend(1)", true, "function \"pg_terminate_backend\" has side effects"],
  ["postgres", "select pg_cancel_backend(1)", true, "function \"pg_cancel_backend\" has side effects"],
  ["postgres", "select pg_reload_conf()", true, "function \"pg_reload_conf\" has side effects"],
  ["postgres", "select pg_read_file('/etc/passwd')", true, "function \"pg_read_file\" has side effects"],
  ["postgres", "select pg_ls_dir('.')", true, "function \"pg_ls_dir\" has side effects"],
  ["postgres", "select pg_sleep(10)", true, "function \"pg_sleep\" has side effects"],
  ["postgres", "select lo_import('/etc/passwd')", true, "function \"lo_import\" has side effects"],
  ["postgres", "select lo_export(1, '/tmp/x')", true, "function \"lo_export\" has side effects"],
  ["postgres", "select dblink_exec('dbname=x', 'drop table t')", true, "function \"dblink_exec\" has side effects"],
  ["postgres", "select nextval('s')", true, "function \"nextval\" has side effects"],
  ["postgres", "select setval('s', 1)", true, "function \"setval\" has side effects"],
  ["postgres", "select pg_advisory_lock(1)", true, "function \"pg_advisory_lock\" has side effects"],
  ["postgres", "select query_to_xml('delete from t', true, true, '')", true, "function \"query_to_xml\" has side effects"],
  ["postgres", "select * from t where a = (select set_config('x', 'y', false))", true, "function \"set_config\" has side effects"],
  ["postgres", "select * from generate_series(1, 3) g, lateral (select pg_sleep(1)) s", true, "function \"pg_sleep\" has side effects"],
  ["postgres", "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity", true, "function \"pg_terminate_backend\" has side effects"],
  ["postgres", "select '\\'", true, "backslash in string literal '\\' depends on standard_conforming_strings"],
  ["postgres", "selec 1", false, PARSE_ERROR],
  ["postgres", "select (", false, PARSE_ERROR],
  ["postgres", "select 1 /* unterminated", false, PARSE_ERROR],
  ["mysql", "SELECT * FROM users WHERE id = 1", true, null],
  ["mysql", "select count(*) from orders group by status", true, null],
  ["mysql", "select `a` from `t` where b = 'x' limit 5", true, null],
  ["mysql", "with x as (select 1) select * from x", true, null],
  ["mysql", "select 1 # comment", true, null],
  ["mysql", "select 1 -- comment", true, null],
  ["mysql", "show tables", true, null],
  ["mysql", "/*!50000 DROP TABLE x*/", true, "executable comment \"/*!\" is not allowed"],
  ["mysql", "select 1 /*! ; drop table x */", true, "executable comment \"/*!\" is not allowed"],
  ["mysql", "select * from t into outfile '/tmp/x'", true, "SELECT INTO OUTFILE writes a file"],
  ["mysql", "select 1 into dumpfile '/tmp/x'", true, "SELECT INTO DUMPFILE writes a file"],
  ["mysql", "select x into @v from t", true, "SELECT INTO a variable assigns it"],
  ["mysql", "select sleep(10)", true, "function \"sleep\" has side effects"],
  ["mysql", "select benchmark(1000000, md5('a'))", true, "function \"benchmark\" has side effects"],
  ["mysql", "select get_lock('a', 1)", true, "function \"get_lock\" has side effects"],
  ["mysql", "select load_file('/etc/passwd')", true, "function \"load_file\" has side effects"],
  ["mysql", "select * from t for update", true, "locking clause \"FOR UPDATE\" is not allowed"],
  ["mysql", "select * from t lock in share mode", true, "locking clause \"LOCK IN SHARE MODE\" is not allowed"],
  ["mysql", "select 1; drop table t", true, "2 statements; only one is allowed"],
  ["mysql", "drop table t", true, "statement \"DROP\" is not a read"],
  ["mysql", "delete from t", true, "statement \"DELETE\" is not a read"],
  ["mysql", "insert into t values (1)", true, "statement \"INSERT\" is not a read"],
  ["mysql", "handler t open", false, PARSE_ERROR],
  ["mysql", "set @a = 1", true, "statement \"SET\" is not a read"],
  ["mysql", "select @a := 1", true, "statement \"variable assignment\" inside the query is not a read"],
  ["mysql", "select 1 --1", true, "\"--\" without a following space is not a comment in MySQL"],
  ["mysql", "select '\\'; drop table t; -- '", true, "backslash in string literal '\\'; drop table t; -- ' depends on NO_BACKSLASH_ESCAPES"],
  ["mysql", "explain analyze select 1", false, PARSE_ERROR],
  ["mysql", "select * from t where a = (select sleep(1))", true, "function \"sleep\" has side effects"],
  ["sqlite", "select * from users where id = 1", true, null],
  ["sqlite", "select [a] from t", false, PARSE_ERROR],
  ["sqlite", "attach database '/tmp/x' as y", true, "statement \"ATTACH\" is not a read"],
  ["sqlite", "pragma writable_schema = 1", false, PARSE_ERROR],
  ["sqlite", "select load_extension('/tmp/x.so')", true, "function \"load_extension\" has side effects"],
  ["sqlite", "select writefile('/tmp/x', 'data')", true, "function \"writefile\" has side effects"],
  ["sqlite", "select readfile('/etc/passwd')", true, "function \"readfile\" has side effects"],
  ["sqlite", "select fts3_tokenizer('x')", true, "function \"fts3_tokenizer\" has side effects"],
  ["sqlite", "select 1; drop table t", true, "2 statements; only one is allowed"],
  ["sqlite", ".shell rm -rf /", false, PARSE_ERROR],
  ["sqlite", "replace into t values (1)", true, "statement \"REPLACE\" is not a read"],
];

test.each(CASES)('%s: %s', (dialect, sql, understood, violation) => {
  const result = inspectSql(sql, dialect);
  expect(result.check).toBe('database');
  expect(result.understood).toBe(understood);
  if (violation === PARSE_ERROR) expect(result.violation).toMatch(/^the SQL could not be parsed: /);
  else expect(result.violation).toBe(violation ?? undefined);
  expect(result.writes).toBe(violation !== null);
});

test('unsafeFunctions from config are refused bare or schema-qualified', () => {
  const options = { unsafeFunctions: ['purge_cache', 'app.reset_all'] };
  expect(inspectSql('select purge_cache()', 'postgres', options).violation).toBe('function "purge_cache" has side effects');
  expect(inspectSql('select Other.Purge_Cache()', 'postgres', options).violation).toBe('function "other.purge_cache" has side effects');
  expect(inspectSql('select app.reset_all()', 'postgres', options).violation).toBe('function "app.reset_all" has side effects');
  expect(inspectSql('select reset_all()', 'postgres', options).violation).toBeUndefined();
  expect(inspectSql('select purge_cache()', 'mysql', options).violation).toBe('function "purge_cache" has side effects');
  expect(inspectSql('select t.purge_cache from t', 'postgres', options).violation).toBe('function "purge_cache" has side effects');
});

test('patternTexts hold the statement without comments, keywords upper-cased', () => {
  expect(inspectSql('drop /* hidden */ table -- x\n "Users"', 'postgres').patternTexts).toEqual(['DROP TABLE Users']);
  expect(inspectSql('/*!50000 DROP TABLE x*/', 'mysql').patternTexts).toEqual(['DROP TABLE X']);
});

test('a non-string or oversized SQL argument is not understood', () => {
  expect(inspectSql(42 as unknown as string, 'postgres')).toMatchObject({ understood: false, violation: 'the SQL is not a string' });
  expect(inspectSql(`select ${'1+'.repeat(100_001)}1`, 'postgres')).toMatchObject({ understood: false, violation: 'the SQL is longer than 200000 characters' });
  expect(inspectSql('select 1', 'oracle' as SqlDialect)).toMatchObject({ understood: false, violation: 'SQL dialect "oracle" is not supported' });
});

test('an empty statement is refused', () => {
  expect(inspectSql('', 'postgres')).toMatchObject({ understood: false, violation: 'the SQL could not be parsed: Query cannot be empty' });
  expect(inspectSql('-- nothing', 'mysql').violation).toBe('the SQL has no statement');
});
