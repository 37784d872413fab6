import { expect, test } from 'vitest';
import type { SafetyMode } from '../../src/policy/types.js';
import { decide } from '../../src/policy/index.js';
import { call, compile, verdictOf } from './fixtures.js';

const modes: SafetyMode[] = ['safe', 'standard', 'full'];
const expectedForWrite: Record<SafetyMode, string> = { safe: 'deny', standard: 'ask', full: 'allow' };
const stricter = (a: SafetyMode, b: SafetyMode): SafetyMode => modes[Math.min(modes.indexOf(a), modes.indexOf(b))]!;

test.each(modes.flatMap((profile) => modes.map((environment) => [profile, environment] as const)))(
  'profile safety %s with environment safety %s: the stricter applies to a writing call',
  (profile, environment) => {
    const compiled = compile({ allow: ['**'], safety: profile, environmentSafety: environment });
    expect(verdictOf(compiled, 'github/create_issue')).toBe(expectedForWrite[stricter(profile, environment)]);
    // a tool on the server's readonly list never writes, so safety leaves it alone
    expect(verdictOf(compiled, 'github/get_issue')).toBe('allow');
  },
);

test('the reason names the setting that applied: the profile', () => {
  const decision = decide(compile({ allow: ['**'], safety: 'safe', environmentSafety: 'standard' }), call('github/create_issue'));
  expect(decision.reasons[1]).toEqual({
    layer: 'safety',
    decision: 'deny',
    rule: 'safety: safe',
    source: 'gateway.yaml:profile',
    message: 'Safety "safe" (set by the profile of agent "claude-code") refuses "github/create_issue", which may change something: it is not on the server\'s readonly list',
  });
});

test('the reason names the setting that applied: the environment', () => {
  const decision = decide(compile({ allow: ['**'], safety: 'full', environment: 'prod', environmentSafety: 'standard' }), call('github/create_issue'));
  expect(decision.reasons[1]).toMatchObject({ layer: 'safety', decision: 'ask', rule: 'safety: standard', source: 'gateway.yaml:environment' });
  expect(decision.reasons[1]!.message).toContain('set by the environment "prod"');
});

test('safety never loosens: an ask rule stays ask under full, a deny stays deny under standard', () => {
  expect(verdictOf(compile({ allow: ['**'], ask: ['github/create_*'], safety: 'full' }), 'github/create_issue')).toBe('ask');
  expect(verdictOf(compile({ allow: ['**'], deny: ['github/create_*'], safety: 'standard' }), 'github/create_issue')).toBe('deny');
});
