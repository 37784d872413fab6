import { expect, test } from 'vitest';
import { load } from './helpers.js';

const config = load(`
  servers:
    pg: { url: "https://db.example.com/mcp", kind: database }
  agents:
    ro: { extends: [readonly] }
    dev: { extends: [developer] }
    ev: { extends: [eval] }
    bash: { extends: [developer-bash-only] }
    nothing: {}
    settings-only: { safety: standard }
`);

function modes(agent: string) {
  const policy = config.policyFor(agent, 'dev');
  return {
    allow: policy.allow.map((rule) => rule.pattern),
    shell: policy.shell.value,
    fileWrite: policy.fileWrite.value,
    database: policy.database.value,
    safety: policy.safety.value,
    approval: policy.approval.mode.value,
    bashOnly: policy.bashOnly.value,
  };
}

test.each([
  ['ro', { allow: ['**'], shell: 'restricted', fileWrite: 'off', database: 'readonly', safety: 'safe', approval: 'dangerous', bashOnly: false }],
  ['dev', { allow: ['**'], shell: 'unrestricted', fileWrite: 'full', database: 'readonly', safety: 'full', approval: 'granular', bashOnly: false }],
  ['ev', { allow: ['**'], shell: 'unrestricted', fileWrite: 'full', database: 'mutations', safety: 'full', approval: 'none', bashOnly: false }],
  ['bash', { allow: ['**'], shell: 'unrestricted', fileWrite: 'full', database: 'readonly', safety: 'full', approval: 'granular', bashOnly: true }],
  ['nothing', { allow: ['**'], shell: 'restricted', fileWrite: 'off', database: 'readonly', safety: 'safe', approval: 'dangerous', bashOnly: false }],
  ['settings-only', { allow: ['**'], shell: 'restricted', fileWrite: 'off', database: 'readonly', safety: 'standard', approval: 'dangerous', bashOnly: false }],
])('built-in modes of agent "%s"', (agent, expected) => {
  expect(modes(agent)).toEqual(expected);
});

test('built-in rules name their profile as source', () => {
  const policy = config.policyFor('ro', 'dev');
  expect(policy.allow).toEqual([{ pattern: '**', source: 'built-in profile "readonly"' }]);
  expect(policy.shell.source).toBe('built-in profile "readonly"');
});

test('developer asks for database tools: every tool of a database server and query-like names', () => {
  expect(config.policyFor('dev', 'dev').approval.requiredTools.map((rule) => rule.pattern)).toEqual([
    'pg/*',
    '*/query',
    '*/*_query',
    '*/*sql*',
    '*/execute*',
  ]);
});

test('eval carries no dangerous patterns; readonly and developer carry the built-in set', () => {
  expect(config.policyFor('ev', 'dev').approval.dangerousPatterns).toEqual([]);
  expect(config.policyFor('ro', 'dev').approval.dangerousPatterns.map((rule) => rule.pattern)).toContain('rm -rf');
  expect(config.policyFor('dev', 'dev').approval.dangerousPatterns.map((rule) => rule.pattern)).toContain('git push --force');
});

test('a user profile with a built-in name replaces the built-in', () => {
  const policy = load(`
    profiles:
      readonly: { allow: ["fs/read_*"], shell: restricted }
    agents:
      a: {}
  `).policyFor('a', 'dev');
  expect(policy.allow).toEqual([{ pattern: 'fs/read_*', source: 'gateway.yaml:2:23' }]);
  expect(policy.fileWrite).toEqual({ value: 'full', source: 'default' });
});
