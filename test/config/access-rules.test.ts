// Config for resource and prompt rules and for upstream_requests: the forms gateway.yaml accepts, the
// mistakes it refuses with a message a person can act on, and what resolution hands the engine.
import { expect, test } from 'vitest';
import { errors, load } from './helpers.js';

test('resource: and prompt: rules load beside tool globs and keep their source', () => {
  const config = load(`
    servers:
      fs: { command: node }
    agents:
      a:
        allow: ["fs/read_*", "resource:fs/file:///work/**", "prompt:fs/greet"]
        deny: ["resource:*/file:///etc/**"]
  `);
  const policy = config.policyFor('a', 'dev');
  expect(policy.allow.map((rule) => rule.pattern)).toEqual(['fs/read_*', 'resource:fs/file:///work/**', 'prompt:fs/greet']);
  expect(policy.deny).toEqual([{ pattern: 'resource:*/file:///etc/**', source: 'gateway.yaml:6:12' }]);
});

test.each([
  ['a prefix naming no server', 'resource:fs', 'Pattern "resource:fs" names no server; write "resource:<server>/<uri glob>", e.g. "resource:fs/**"'],
  ['an empty prompt rule', 'prompt:', 'Pattern "prompt:" names no server; write "prompt:<server>/<name glob>", e.g. "prompt:fs/**"'],
  ['a misspelt prefix', 'resources:fs/**', 'Pattern "resources:fs/**" starts with the unknown prefix "resources:"'],
  ['a capitalised prefix', 'Resource:fs/**', 'Pattern "Resource:fs/**" starts with the unknown prefix "Resource:"'],
])('%s is refused: %s', (_what, pattern, message) => {
  expect(errors(`
    servers:
      fs: { command: node }
    agents:
      a: { deny: ["${pattern}"] }
  `)).toContain(message);
});

test('upstream_requests: defaults are elicitation from every server and sampling from none; the last layer wins', () => {
  const config = load(`
    servers:
      fs: { command: node }
    profiles:
      base: { upstream_requests: { sampling: [fs] } }
    agents:
      plain: { extends: [readonly] }
      sampler: { extends: [base] }
      quiet: { extends: [base], upstream_requests: { sampling: [], elicitation: [] } }
  `);
  expect(config.policyFor('plain', 'dev').upstreamRequests).toEqual({ sampling: { value: [], source: 'default' }, elicitation: { value: ['*'], source: 'default' } });
  expect(config.policyFor('sampler', 'dev').upstreamRequests?.sampling).toEqual({ value: ['fs'], source: 'gateway.yaml:4:42' });
  expect(config.policyFor('quiet', 'dev').upstreamRequests).toEqual({
    sampling: { value: [], source: 'gateway.yaml:8:60' },
    elicitation: { value: [], source: 'gateway.yaml:8:77' },
  });
});

test('upstream_requests refuses unknown keys and server globs with "/"', () => {
  expect(errors(`
    servers:
      fs: { command: node }
    agents:
      a: { upstream_requests: { roots: [fs], sampling: ["fs/x"] } }
  `)).toMatchInlineSnapshot(`
    "gateway.yaml:4:29 agents.a.upstream_requests.roots: Unknown key "roots"; allowed keys are "sampling" and "elicitation"
    gateway.yaml:4:53 agents.a.upstream_requests.sampling[0]: Pattern "fs/x" holds "/", but server ids never do; write a server id or a glob such as "*""
  `);
});
