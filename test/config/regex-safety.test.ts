import { expect, test } from 'vitest';
import { compileSafeRegex, parseRegexLiteral, regexSafetyProblem } from '../../src/config/index.js';

test.each([
  ['rm\\s+-rf', 'i'],
  ['drop\\s+(table|database)', 'i'],
  ['git\\s+push\\s+.*--force', ''],
  ['curl\\s[^|]*\\|\\s*(ba)?sh', 'i'],
  ['\\.github/workflows', ''],
  ['(ab){3}', ''],
  ['a{2,5}b', 's'],
  ['[a-z]+@[a-z]+', 'u'],
])('accepts /%s/%s', (source, flags) => {
  expect(regexSafetyProblem(source, flags)).toBeUndefined();
});

test.each([
  ['(a+)+$', '', 'it repeats a group that holds a quantifier or an alternation'],
  ['(a|a)*', '', 'it repeats a group that holds a quantifier or an alternation'],
  ['(\\w+\\s?)*$', '', 'it repeats a group that holds a quantifier or an alternation'],
  ['(.*,){11}P', '', 'it repeats a group that holds a quantifier or an alternation'],
  ['(a{1,2}){1,100}', '', 'it repeats a group that holds a quantifier or an alternation'],
  ['((ab)*)+', '', 'it repeats a group that holds a quantifier or an alternation'],
  ['a**', '', 'it does not compile: Invalid regular expression: /a**/: Nothing to repeat'],
  ['(a)\\1', '', 'it uses a backreference'],
  ['(?<x>a)\\k<x>', '', 'it uses a backreference'],
  ['(?=a+)a', '', 'it uses a lookaround'],
  ['.*.*.*x', '', 'it has 3 unbounded repeats that can overlap, which can take polynomial time on long arguments'],
  ['x', 'g', 'flags "g" are not supported (use i, m, s or u)'],
  ['x', 'ii', 'flags "ii" are not supported (use i, m, s or u)'],
  ['a'.repeat(1001), '', 'it is longer than 1000 characters'],
])('refuses /%s/%s', (source, flags, problem) => {
  expect(regexSafetyProblem(source, flags)).toBe(problem);
});

test('parseRegexLiteral tells regexes from phrases', () => {
  expect(parseRegexLiteral('/rm\\s+-rf/i')).toEqual({ source: 'rm\\s+-rf', flags: 'i' });
  expect(parseRegexLiteral('rm -rf')).toBeUndefined();
  expect(parseRegexLiteral('/')).toBeUndefined();
  expect(parseRegexLiteral('//')).toBeUndefined();
});

test('compileSafeRegex compiles safe regexes and throws on the rest', () => {
  expect(compileSafeRegex('drop\\s+table', 'i').test('DROP   TABLE x')).toBe(true);
  expect(() => compileSafeRegex('(a+)+', '')).toThrow('Regex "/(a+)+/" is refused because it repeats a group');
});
