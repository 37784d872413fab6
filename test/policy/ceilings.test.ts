import { expect, test } from 'vitest';
import { decide } from '../../src/policy/index.js';
import { BUILT_IN, call, compile, inspected, verdictOf } from './fixtures.js';

const ceilings: Array<[string, 'ask' | 'deny']> = [
  ['shell/*', 'ask'],
  ['*/delete*', 'deny'],
];

test.each([
  ['shell/run', 'ask'],
  ['github/delete_repo', 'deny'],
  ['GitHub/Delete_Repo', 'deny'],
  ['github/Delete_Repo', 'deny'],
  ['github/get_issue', 'allow'],
])('at run time, ceilings clamp even an eval agent: %s → %s', (name, expected) => {
  const compiled = compile({ ...BUILT_IN.eval, ceilings });
  expect(verdictOf(compiled, name, {}, { inspection: inspected('shell') })).toBe(expected);
});

test('a ceiling never loosens a stricter decision', () => {
  expect(verdictOf(compile({ allow: ['**'], deny: ['shell/*'], ceilings }), 'shell/run')).toBe('deny');
});

test('every matching ceiling is named with its source', () => {
  const compiled = compile({ allow: ['**'], ceilings: [['shell/*', 'ask'], ['shell/run', 'deny']] });
  expect(decide(compiled, call('shell/run')).reasons.slice(1)).toEqual([
    { layer: 'ceiling', decision: 'ask', rule: 'ceiling: "shell/*": ask', source: 'gateway.yaml:40:5', message: 'The organisation ceiling "shell/*" requires approval for "shell/run"' },
    { layer: 'ceiling', decision: 'deny', rule: 'ceiling: "shell/run": deny', source: 'gateway.yaml:41:5', message: 'The organisation ceiling "shell/run" denies "shell/run"' },
  ]);
});
