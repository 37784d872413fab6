// Attempts to slip a call past the rules by disguising its name or its arguments. Each case pins the
// exact decision and, for names, the layer that caught it.
import { expect, test } from 'vitest';
import { decide, MAX_SCAN_CHARS } from '../../src/policy/index.js';
import type { Layer, Verdict } from '../../src/policy/types.js';
import { compile, type ServerShape } from './fixtures.js';

const servers: Record<string, ServerShape> = {
  github: { kind: 'generic', readonly: ['get_*'] },
  GitHub: { kind: 'generic' },
  shell: { kind: 'shell' },
};
const policy = compile({
  servers,
  allow: ['github/*', 'GitHub/*', 'shell/*'],
  deny: ['*/delete*', 'shell/exec'],
  approval: 'granular',
  dangerousPatterns: ['rm -rf', 'DROP TABLE', 'git push --force'],
});

test.each([
  // controls: the undisguised names
  ['github', 'get_issue', 'allow', 'name'],
  ['github', 'get.issue', 'allow', 'name'],
  ['github', 'delete_repo', 'deny', 'name'],
  ['github', 'x'.repeat(128), 'allow', 'name'],
  // case changes never escape a deny rule
  ['github', 'Delete_Repo', 'deny', 'name'],
  ['github', 'DELETE_REPO', 'deny', 'name'],
  ['GitHub', 'Delete_Repo', 'deny', 'name'],
  ['shell', 'EXEC', 'deny', 'name'],
  // unicode look-alikes are not valid names, so they never reach the rules
  ['github', 'd\u0435lete_repo', 'deny', 'input'], // Cyrillic е
  ['gith\u0443b', 'get_issue', 'deny', 'input'], // Cyrillic у
  ['github', '\uFF44elete_repo', 'deny', 'input'], // fullwidth d
  ['github', 'get_\u0131ssue', 'deny', 'input'], // dotless i
  // zero-width and invisible characters
  ['github', 'del\u200Bete_repo', 'deny', 'input'],
  ['git\u200Dhub', 'get_issue', 'deny', 'input'],
  ['\uFEFFgithub', 'get_issue', 'deny', 'input'],
  ['github', 'de\u00ADlete_repo', 'deny', 'input'],
  ['github', 'delete\u2060_repo', 'deny', 'input'],
  // path tricks
  ['github', '../delete_repo', 'deny', 'input'],
  ['github', '..', 'deny', 'input'],
  ['github', '.', 'deny', 'input'],
  ['github', '/delete_repo', 'deny', 'input'], // github//delete_repo
  ['github', '.delete_repo', 'deny', 'input'],
  ['github', 'get_issue/..', 'deny', 'input'],
  ['github', 'get%2Fissue', 'deny', 'input'],
  ['github/x', 'get_issue', 'deny', 'input'],
  // whitespace and control characters
  ['github', 'delete_repo ', 'deny', 'input'],
  [' github', 'get_issue', 'deny', 'input'],
  ['github', 'get_issue\u0000', 'deny', 'input'],
  ['github', 'get_issue\n', 'deny', 'input'],
  ['github', 'get_issue\t', 'deny', 'input'],
  ['github', 'get issue', 'deny', 'input'],
  // empty, too long, unknown servers, prototype names
  ['github', '', 'deny', 'input'],
  ['', 'get_issue', 'deny', 'input'],
  ['github', 'x'.repeat(129), 'deny', 'input'],
  ['g'.repeat(65), 'get_issue', 'deny', 'input'],
  ['gitlab', 'get_issue', 'deny', 'input'],
  ['__proto__', 'get_issue', 'deny', 'input'],
  ['constructor', 'get_issue', 'deny', 'input'],
  ['github', 'constructor', 'allow', 'name'],
] as Array<[string, string, Verdict, Layer]>)('name %j / %j → %s at layer %s', (server, tool, expected, layer) => {
  const decision = decide(policy, { server, tool });
  expect(decision.verdict).toBe(expected);
  expect(decision.reasons.at(-1)!.layer).toBe(layer);
});

test('a non-string name is denied, not thrown', () => {
  expect(decide(policy, { server: 42 as unknown as string, tool: 'x' }).verdict).toBe('deny');
  expect(decide(policy, { server: 'github', tool: undefined as unknown as string }).verdict).toBe('deny');
  expect(decide(policy, null as never).verdict).toBe('deny');
});

test('the refused name is quoted with its invisible characters shown', () => {
  expect(decide(policy, { server: 'github', tool: 'del\u200Bete' }).reasons[0]!.message).toBe(
    'The tool name "github/del\\u{200B}ete" is not valid: a tool name may only hold ASCII letters, digits, "_", "-" and "."',
  );
});

const read = (args: unknown) => decide(policy, { server: 'github', tool: 'get_issue', arguments: args });

test.each([
  ['case', { q: 'RM -RF /' }],
  ['mixed case', { q: 'Rm -Rf /' }],
  ['extra spaces', { q: 'rm     -rf /' }],
  ['tabs', { q: 'rm\t\t-rf /' }],
  ['newlines', { q: 'rm\n-rf\n/' }],
  ['no-break and ideographic spaces', { q: 'DROP\u00A0TABLE x; DROP\u3000TABLE y' }],
  ['double quotes inside a word', { q: 'r"m" -rf /' }],
  ['single quotes around words', { q: "'rm' '-rf' /" }],
  ['backticks', { q: '`rm` -rf /' }],
  ['typographic quotes', { q: '\u201Crm\u201D \u2018-rf\u2019 /' }],
  ['backslashes', { q: 'r\\m -\\rf /' }],
  ['zero-width space', { q: 'r\u200Bm -rf /' }],
  ['zero-width joiner and BOM', { q: 'rm\u200D -r\uFEFFf /' }],
  ['soft hyphen', { q: 'r\u00ADm -rf /' }],
  ['NUL inside', { q: 'rm\u0000 -rf /' }],
  ['fullwidth letters (NFKC)', { q: '\uFF52\uFF4D \uFF0D\uFF52\uFF46 /' }],
  ['flag order', { q: 'rm -fr /' }],
  ['split flags', { q: 'rm -r -f /' }],
  ['nested objects and arrays', { a: { b: [{ c: { d: ['x', 'git push --force origin'] } }] } }],
  ['an object key', { 'DROP TABLE users; --': 'x' }],
  ['a nested key', { a: [{ 'rm -rf /': null }] }],
  ['an argv array', { argv: ['rm', '-rf', '/'] }],
  ['an argv array with quoted parts', { argv: ['git', '"push"', '--force'] }],
  ['a bare string argument', 'rm -rf /'],
])('dangerous pattern hidden with %s → ask', (_, args) => {
  const decision = read(args);
  expect(decision.verdict).toBe('ask');
  expect(decision.reasons.at(-1)!.layer).toBe('approval');
});

test('oversized arguments → deny', () => {
  expect(read({ q: 'x'.repeat(MAX_SCAN_CHARS + 1) }).verdict).toBe('deny');
  expect(read({ list: Array.from({ length: 2000 }, () => 'y'.repeat(600)) }).verdict).toBe('deny');
});

test('a ReDoS-shaped regex fails closed to ask, and the decision returns promptly', () => {
  const compiled = compile({ servers, allow: ['github/*'], approval: 'granular', dangerousPatterns: ['/(a+)+$/', '/^(\\w+\\s?)*$/'] });
  const started = performance.now();
  const decision = decide(compiled, { server: 'github', tool: 'get_issue', arguments: { q: `${'a'.repeat(50_000)}!` } });
  expect(performance.now() - started).toBeLessThan(200);
  expect(decision.verdict).toBe('ask');
  expect(decision.reasons.filter((reason) => reason.message.includes('cannot be matched safely'))).toHaveLength(2);
});

test('harmless arguments that merely look close stay allowed', () => {
  expect(read({ q: 'rmdir -p build' }).verdict).toBe('allow');
  expect(read({ q: 'drop the table leg' }).verdict).toBe('allow');
  expect(read({ q: 'git push origin main' }).verdict).toBe('allow');
});
