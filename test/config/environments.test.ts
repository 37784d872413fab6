import { expect, test } from 'vitest';
import { isWardenError } from '../../src/errors.js';
import { load } from './helpers.js';

test('without environments there is one implicit "dev"', () => {
  const config = load(`
    agents:
      a: {}
  `);
  expect(config.defaultEnvironment).toBe('dev');
  expect(config.environments).toEqual({ dev: { name: 'dev', safety: 'full', audit: true, agents: null, env: {}, source: 'default' } });
  expect(config.policyFor('a', 'dev').activeAgents).toBeNull();
  expect(config.policyFor('a', 'dev').environmentSafety).toEqual({ value: 'full', source: 'default' });
});

test('environments carry safety, audit, active agents, env and webhook', () => {
  const config = load(`
    agents:
      a: {}
      b: {}
    environments:
      staging: { safety: standard, agents: [a, b] }
      prod:
        safety: safe
        audit: false
        agents: [a]
        env: { KUBECONFIG: ~/.kube/prod, REPLICAS: 3 }
        webhook: { url: "https://hooks.example.com/x", secret: s }
  `);
  expect(config.defaultEnvironment).toBe('staging');
  expect(config.environments.prod).toEqual({
    name: 'prod',
    safety: 'safe',
    audit: false,
    agents: ['a'],
    env: { KUBECONFIG: '~/.kube/prod', REPLICAS: '3' },
    webhook: { url: 'https://hooks.example.com/x', secret: 's' },
    source: 'gateway.yaml:6:3',
  });
  const policy = config.policyFor('b', 'prod');
  expect(policy.activeAgents).toEqual({ value: ['a'], source: 'gateway.yaml:9:13' });
  expect(policy.environmentSafety).toEqual({ value: 'safe', source: 'gateway.yaml:7:13' });
  expect(config.environments.staging!.audit).toBe(true);
});

test('default_environment defaults to "dev" when defined, and may be set', () => {
  const yaml = (extra: string) => `
    agents:
      a: {}
    environments:
      prod: {}
      dev: {}
    ${extra}
  `;
  expect(load(yaml('')).defaultEnvironment).toBe('dev');
  expect(load(yaml('default_environment: prod')).defaultEnvironment).toBe('prod');
});

test.each([
  ['devv', 'dev', 'UNKNOWN_AGENT', 'Unknown agent "devv"; did you mean "dev"?'],
  ['zzz', 'dev', 'UNKNOWN_AGENT', 'Unknown agent "zzz"; the agents are "dev" and "ci"'],
  ['dev', 'prdo', 'UNKNOWN_ENVIRONMENT', 'Unknown environment "prdo"; did you mean "prod"?'],
])('policyFor(%s, %s) throws %s', (agent, environment, code, message) => {
  const config = load(`
    agents: { dev: {}, ci: {} }
    environments: { dev: {}, prod: {} }
  `);
  let thrown: unknown;
  try {
    config.policyFor(agent, environment);
  } catch (error) {
    thrown = error;
  }
  expect(isWardenError(thrown) && { code: thrown.code, message: thrown.message }).toEqual({ code, message });
});
