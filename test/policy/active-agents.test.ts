import { expect, test } from 'vitest';
import { decide, visibility } from '../../src/policy/index.js';
import { call, compile, verdictOf } from './fixtures.js';

test.each([
  [null, 'claude-code', 'allow'],
  [['claude-code', 'ci'], 'claude-code', 'allow'],
  [['claude-code'], 'ci', 'deny'],
  [[], 'claude-code', 'deny'],
  [['Claude-Code'], 'claude-code', 'deny'],
] as Array<[string[] | null, string, string]>)('environment agents %o, agent %s → %s', (activeAgents, agent, expected) => {
  expect(verdictOf(compile({ allow: ['**'], activeAgents, agent }), 'github/get_issue')).toBe(expected);
});

test('an inactive agent is denied at the agent layer, naming the environment list, and sees no tools', () => {
  const compiled = compile({ allow: ['**'], activeAgents: ['claude-code'], agent: 'ci', environment: 'prod' });
  expect(decide(compiled, call('github/get_issue')).reasons).toEqual([
    { layer: 'agent', decision: 'deny', rule: 'agents: [claude-code]', source: 'gateway.yaml:env', message: 'Agent "ci" is not active in environment "prod"' },
  ]);
  expect(visibility(compiled, 'github', 'get_issue').verdict).toBe('deny');
});
