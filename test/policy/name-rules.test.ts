import { expect, test } from 'vitest';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { decide } from '../../src/policy/index.js';
import { compileRuleList } from '../../src/policy/rule-list.js';
import { call, compile, verdictOf } from './fixtures.js';

const developerLike = compile({
  allow: ['*/list*', '*/get*', '*/search*', 'github/*', 'shell/run'],
  ask: ['github/create_pull_request', 'github/merge_*'],
  deny: ['*/delete*'],
});

test.each([
  ['github/delete_repo', 'deny'],
  ['github/create_pull_request', 'ask'],
  ['github/merge_pull_request', 'ask'],
  ['github/create_issue', 'allow'],
  ['fs/list_directory', 'allow'],
  ['fs/write_file', 'deny'],
  ['shell/run', 'allow'],
  ['shell/run_background', 'deny'],
  ['db/get_schema', 'allow'],
  ['db/delete_rows', 'deny'],
])('deny > ask > allow > default deny: %s is %s', (name, expected) => {
  expect(verdictOf(developerLike, name)).toBe(expected);
});

test('a deny rule wins over an allow and an ask rule that also match', () => {
  const compiled = compile({ allow: ['github/*'], ask: ['github/delete_*'], deny: ['github/delete_repo'] });
  expect(decide(compiled, call('github/delete_repo')).reasons).toEqual([
    { layer: 'name', decision: 'deny', rule: 'deny: "github/delete_repo"', source: 'gateway.yaml:1:3', message: '"github/delete_repo" matches the deny rule "github/delete_repo"' },
  ]);
});

test('a plain allow carries the reason naming the allow rule', () => {
  expect(decide(developerLike, call('github/create_issue'))).toEqual({
    verdict: 'allow',
    writes: true,
    reasons: [{ layer: 'name', decision: 'allow', rule: 'allow: "github/*"', source: 'gateway.yaml:4:3', message: '"github/create_issue" matches the allow rule "github/*"' }],
  });
});

test('the default deny names itself with source default', () => {
  expect(decide(compile({ allow: ['fs/*'] }), call('github/delete_repo')).reasons).toEqual([
    { layer: 'name', decision: 'deny', rule: 'default: deny', source: 'default', message: 'No allow rule matches "github/delete_repo" (default deny)' },
  ]);
});

test('the first matching rule in list order is the one named', () => {
  const compiled = compile({ deny: ['github/x_*', '*/delete*', 'github/delete_repo'] });
  expect(decide(compiled, call('github/delete_repo')).reasons[0]!.rule).toBe('deny: "*/delete*"');
  const literalFirst = compile({ deny: ['github/delete_repo', '*/delete*'] });
  expect(decide(literalFirst, call('github/delete_repo')).reasons[0]!.rule).toBe('deny: "github/delete_repo"');
});

test('an agent extending [readonly, developer]-like profiles adds its own deny on top', () => {
  const source = (where: string) => (pattern: string) => ({ pattern, source: where });
  const compiled = compile({
    allow: [
      ...['*/list*', '*/get*', '*/search*', '*/read*'].map(source('profile "readonly" gateway.yaml:20:5')),
      ...['github/*', 'shell/run'].map(source('profile "developer" gateway.yaml:24:5')),
    ],
    ask: ['github/create_pull_request'].map(source('profile "developer" gateway.yaml:25:5')),
    deny: [...['*/delete*'].map(source('profile "developer" gateway.yaml:26:5')), ...['shell/run', 'github/get_secret*'].map(source('agent "claude-code" gateway.yaml:33:5'))],
  });
  const table: Array<[string, string, string]> = [
    ['shell/run', 'deny', 'agent "claude-code" gateway.yaml:33:5'],
    ['github/get_secret_value', 'deny', 'agent "claude-code" gateway.yaml:33:5'],
    ['github/get_issue', 'allow', 'profile "readonly" gateway.yaml:20:5'],
    ['github/create_pull_request', 'ask', 'profile "developer" gateway.yaml:25:5'],
    ['github/create_issue', 'allow', 'profile "developer" gateway.yaml:24:5'],
    ['fs/delete_file', 'deny', 'profile "developer" gateway.yaml:26:5'],
    ['fs/read_file', 'allow', 'profile "readonly" gateway.yaml:20:5'],
    ['fs/write_file', 'deny', 'default'],
  ];
  for (const [name, verdict, source] of table) {
    const decision = decide(compiled, call(name));
    expect([name, decision.verdict, decision.reasons[0]!.source]).toEqual([name, verdict, source]);
  }
});

test.each([
  ['github/Delete_Repo', 'deny'],
  ['github/DELETE_REPO', 'deny'],
  ['github/Create_Pull_Request', 'ask'],
  // allow is case-sensitive: a differently cased name is another tool, and unknown tools are denied
  ['github/Get_Issue', 'deny'],
])('deny and ask match case-insensitively, allow does not: %s is %s', (name, expected) => {
  const compiled = compile({ allow: ['github/get_*', 'github/create_*'], ask: ['github/create_pull_request'], deny: ['*/delete*'] });
  expect(verdictOf(compiled, name)).toBe(expected);
});

test.each([
  ['**', 'github/a.b', 'allow'],
  ['github/*', 'github/.hidden', 'deny'], // not a valid name at all
  ['*/get_*', 'github/get_x', 'allow'],
  ['github/{get,list}_*', 'github/list_x', 'allow'],
  ['github/get_?', 'github/get_x', 'allow'],
  ['github/get_?', 'github/get_xy', 'deny'],
  ['github/[gl]et_x', 'github/let_x', 'allow'],
  ['github', 'github/get_x', 'deny'],
  ['github/**', 'github/get_x', 'allow'],
])('glob %s against %s gives %s', (pattern, name, expected) => {
  expect(verdictOf(compile({ allow: [pattern] }), name)).toBe(expected);
});

test('a deny or ask pattern that cannot be compiled matches everything; an allow one matches nothing', () => {
  expect(verdictOf(compile({ allow: ['**'], deny: ['!github/*'] }), 'fs/read_file')).toBe('deny');
  expect(verdictOf(compile({ allow: ['**'], ask: [''] }), 'fs/read_file')).toBe('ask');
  expect(verdictOf(compile({ allow: ['!github/*'] }), 'fs/read_file')).toBe('deny');
});

test('the combined regex agrees with matching each glob on its own', () => {
  const segment = fc.stringMatching(/^[a-z_.*?]{1,6}$/);
  const simple = fc.tuple(fc.constantFrom('*', '**', 'github', 'GitHub', 'g*', 'fs', '{fs,github}'), segment).map(([s, t]) => `${s}/${t}`);
  // Shapes whose regexes hold capture groups of their own, which shift the combined regex's groups.
  const tricky = fc.constantFrom('github/{get,list}_*', 'fs/@(read|write)_*', '*/+(a|b)', 'github/[a-c]*', '!github/x', '', 'github/get_x', 'fs/a.b');
  const pattern = fc.oneof(simple, tricky);
  const name = fc.tuple(fc.constantFrom('github', 'GitHub', 'fs', 'gx'), fc.stringMatching(/^[a-zA-Z_][a-z_.]{0,6}$/)).map(([s, t]) => `${s}/${t}`);
  fc.assert(
    fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), name, fc.boolean(), (patterns, subject, nocase) => {
      const rules = patterns.map((p) => ({ pattern: p, source: 'x' }));
      const list = compileRuleList(rules, { nocase, onInvalid: 'never' });
      // Unusable patterns ('' and '!…') never match here, as in an allow list.
      const usable = (p: string) => p !== '' && !p.startsWith('!');
      const expected = rules.find((rule) => usable(rule.pattern) && picomatch(rule.pattern, { dot: true, nocase })(subject));
      expect(list.first(subject)).toBe(expected);
    }),
    { numRuns: 2000 },
  );
});

test('a memoised decision is the same as a fresh one and cannot be changed through a returned reason', () => {
  const compiled = compile({ allow: ['github/*'] });
  const first = decide(compiled, call('github/get_issue'));
  first.reasons.push({ layer: 'name', decision: 'deny', rule: 'x', source: 'x', message: 'x' });
  expect(() => {
    (first.reasons[0] as { rule: string }).rule = 'changed';
  }).toThrow();
  expect(decide(compiled, call('github/get_issue')).reasons).toHaveLength(1);
  expect(decide(compiled, call('github/get_issue')).reasons[0]!.rule).toBe('allow: "github/*"');
});

test('lists longer than one regex chunk still name the first matching rule', () => {
  const rules = Array.from({ length: 300 }, (_, i) => ({ pattern: i % 3 === 0 ? `*/t${i}_*` : i % 3 === 1 ? `s${i % 7}/t${i}*` : `{s1,s2}/t${i}`, source: `r${i}` }));
  rules.push({ pattern: '**', source: 'last' });
  for (const nocase of [false, true]) {
    const list = compileRuleList(rules, { nocase, onInvalid: 'never' });
    for (const subject of ['s1/t2', 's3/t250_x', 'S3/T297_x', 's0/t1', 's1/t1', 'x/y', 's2/t299', 's5/t187x']) {
      const expected = rules.find((rule) => picomatch(rule.pattern, { dot: true, nocase })(subject));
      expect([subject, list.first(subject)?.source]).toEqual([subject, expected?.source]);
      expect(list.all(subject).map((rule) => rule.source)).toEqual(rules.filter((rule) => picomatch(rule.pattern, { dot: true, nocase })(subject)).map((rule) => rule.source));
    }
  }
});
