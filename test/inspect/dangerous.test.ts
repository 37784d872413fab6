// Dangerous patterns matched on the parsed form: quoting, paths, wrappers, flag spelling and order
// do not hide a shell command; comments and case do not hide an SQL statement.
import { beforeAll, expect, test } from 'vitest';
import { initParsers, inspectShell, inspectSql, type SqlDialect } from '../../src/inspect/index.js';

beforeAll(async () => {
  await initParsers();
});

const SHELL_PATTERNS = ['rm -rf', 'git push --force', 'chmod -R 777', 'rm -rf /', '/rm\\s+-rf/', 'DROP TABLE'];

const SHELL_CASES: Array<[string, string[]]> = [
  ['rm -rf build', ['rm -rf']],
  ['rm -fr build', ['rm -rf']],
  ['rm -r -f build', ['rm -rf']],
  ['rm -f -r build', ['rm -rf']],
  ['rm --recursive --force build', ['rm -rf']],
  ['rm --force -R build', ['rm -rf']],
  ['rm -rfv build', ['rm -rf']],
  ['/bin/rm -rf build', ['rm -rf']],
  ['\\rm -rf build', ['rm -rf']],
  ["'r'm -rf build", ['rm -rf']],
  ['"rm" "-rf" build', ['rm -rf']],
  ["$'\\x72m' -rf build", ['rm -rf']],
  ['command rm -rf build', ['rm -rf']],
  ['sudo rm -rf build', ['rm -rf']],
  ['sudo -u root /usr/bin/rm -rf build', ['rm -rf']],
  ['xargs rm -rf', ['rm -rf']],
  ['find . -print0 | xargs -0 -n 1 rm -rf', ['rm -rf']],
  ['timeout -s KILL 5 rm -rf build', ['rm -rf']],
  ['env FOO=1 rm -rf build', ['rm -rf']],
  ['nice -n 5 rm -rf build', ['rm -rf']],
  ['find . -exec rm -rf {} \\;', ['rm -rf']],
  ['sh -c "rm -rf build"', ['rm -rf']],
  ["bash -lc 'cd x && rm -rf build'", ['rm -rf']],
  ['eval "rm -rf build"', ['rm -rf']],
  ['echo $(rm -rf build)', ['rm -rf']],
  ['(cd x; rm -rf build)', ['rm -rf']],
  ['if true; then rm -rf build; fi', ['rm -rf']],
  ['ls; rm -rf /', ['rm -rf', 'rm -rf /']],
  ['rm -rf /tmp/x', ['rm -rf']],
  ['git push --force', ['git push --force']],
  ['git push -f', ['git push --force']],
  ['git push origin main --force', ['git push --force']],
  ['git push --force-with-lease origin main', ['git push --force']],
  ['git push origin +main', ['git push --force']],
  ['git -C repo push -f', ['git push --force']],
  ['chmod -R 777 /srv', ['chmod -R 777']],
  ['chmod --recursive 777 /srv', ['chmod -R 777']],
  ['rm -r build', []],
  ['rm build', []],
  ['echo rm -rf build', []],
  ['grep "rm -rf" notes.txt', []],
  ['git push origin main', []],
  ['git pull --force', []],
  ['chmod 777 x', []],
  ['ls -la', []],
];

test.each(SHELL_CASES)('shell %j matches %j', (command, expected) => {
  const result = inspectShell(command, { dangerousPatterns: SHELL_PATTERNS });
  expect(result.matchedPatterns ?? []).toEqual(expected);
});

const SQL_PATTERNS = ['DROP TABLE', 'delete from', 'TRUNCATE', 'DROP TABLE users', '/drop\\s+table/i'];

const SQL_CASES: Array<[SqlDialect, string, string[]]> = [
  ['postgres', 'DROP TABLE users', ['DROP TABLE', 'DROP TABLE users']],
  ['postgres', 'drop/**/table users', ['DROP TABLE', 'DROP TABLE users']],
  ['postgres', 'DrOp   TaBlE users', ['DROP TABLE', 'DROP TABLE users']],
  ['postgres', 'drop -- comment\n table "users"', ['DROP TABLE', 'DROP TABLE users']],
  ['postgres', 'drop /* a /* nested */ b */ table x', ['DROP TABLE']],
  ['postgres', 'with x as (delete from t returning 1) select * from x', ['delete from']],
  ['postgres', 'DELETE\nFROM t', ['delete from']],
  ['postgres', 'truncate t', ['TRUNCATE']],
  ['postgres', "select 'drop table users'", []],
  ['postgres', 'select * from dropped_tables', []],
  ['mysql', '/*!50000 DROP TABLE x*/', ['DROP TABLE']],
  ['mysql', 'drop # comment\n table `users`', ['DROP TABLE', 'DROP TABLE users']],
  ['mysql', 'select 1; drop table t', ['DROP TABLE']],
  ['sqlite', 'drop table [users]', ['DROP TABLE', 'DROP TABLE users']],
  ['sqlite', 'select * from users', []],
];

test.each(SQL_CASES)('%s %j matches %j', (dialect, sql, expected) => {
  const result = inspectSql(sql, dialect, { dangerousPatterns: SQL_PATTERNS });
  expect(result.matchedPatterns ?? []).toEqual(expected);
});

test('regex patterns are left to the engine, which matches them on patternTexts', () => {
  const result = inspectShell('/bin/rm -fr x', { dangerousPatterns: ['/rm\\s+-rf/'] });
  expect(result.matchedPatterns).toBeUndefined();
  expect(result.patternTexts).toEqual(['rm -fr x']);
});
