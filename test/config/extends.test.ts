import { expect, test } from 'vitest';
import type { EffectivePolicy } from '../../src/policy/types.js';
import { load } from './helpers.js';

function patterns(rules: EffectivePolicy['allow']): string[] {
  return rules.map((rule) => `${rule.pattern} @ ${rule.source}`);
}

test('an agent extending [readonly, developer] with its own deny', () => {
  const policy = load(`
    agents:
      a:
        extends: [readonly, developer]
        deny: ["shell/run"]
  `).policyFor('a', 'dev');
  expect(patterns(policy.allow)).toEqual(['** @ built-in profile "readonly"', '** @ built-in profile "developer"']);
  expect(patterns(policy.deny)).toEqual(['shell/run @ gateway.yaml:4:12']);
  // developer comes later, so its settings win over readonly's.
  expect(policy.shell).toEqual({ value: 'unrestricted', source: 'built-in profile "developer"' });
  expect(policy.fileWrite).toEqual({ value: 'full', source: 'built-in profile "developer"' });
  expect(policy.approval.mode).toEqual({ value: 'granular', source: 'built-in profile "developer"' });
});

test('later profiles in extends override earlier settings; the agent overrides all', () => {
  const config = load(`
    profiles:
      loose: { shell: unrestricted, safety: full, timeout: 10s }
      tight: { shell: restricted, safety: safe }
    agents:
      tight-last: { extends: [loose, tight] }
      loose-last: { extends: [tight, loose] }
      own: { extends: [loose, tight], safety: standard, timeout: 5s }
  `);
  expect(config.policyFor('tight-last', 'dev').shell.value).toBe('restricted');
  expect(config.policyFor('loose-last', 'dev').shell.value).toBe('unrestricted');
  expect(config.policyFor('own', 'dev').safety).toEqual({ value: 'standard', source: 'gateway.yaml:7:43' });
  expect(config.policyFor('own', 'dev').shell.value).toBe('restricted');
  expect(config.timeoutFor('own')).toBe(5000);
  expect(config.timeoutFor('tight-last')).toBe(10_000);
});

test('rules are the union of every profile, transitively', () => {
  const policy = load(`
    profiles:
      base: { allow: ["fs/read_*"], deny: ["*/delete*"] }
      middle: { extends: [base], ask: ["fs/write_*"], approval: { required_tools: ["db/*"], dangerous_patterns: ["rm -rf"] } }
      top: { extends: [middle], allow: ["gh/*"] }
    agents:
      a: { extends: [top], allow: ["fs/list_*"] }
  `).policyFor('a', 'dev');
  expect(policy.allow.map((rule) => rule.pattern)).toEqual(['fs/read_*', 'gh/*', 'fs/list_*']);
  expect(policy.ask.map((rule) => rule.pattern)).toEqual(['fs/write_*']);
  expect(policy.deny.map((rule) => rule.pattern)).toEqual(['*/delete*']);
  expect(policy.approval.requiredTools).toEqual([{ pattern: 'db/*', source: 'gateway.yaml:3:80' }]);
  expect(policy.approval.dangerousPatterns).toEqual([{ pattern: 'rm -rf', source: 'gateway.yaml:3:110' }]);
});

test('a diamond is merged once, its base applied before both sides', () => {
  const policy = load(`
    profiles:
      base: { allow: ["fs/*"], shell: restricted, safety: safe }
      left: { extends: [base], allow: ["left/*"], safety: standard }
      right: { extends: [base], allow: ["right/*"] }
    agents:
      a: { extends: [left, right] }
  `).policyFor('a', 'dev');
  expect(policy.allow.map((rule) => rule.pattern)).toEqual(['fs/*', 'left/*', 'right/*']);
  // base is applied once, first, so it does not undo left's safety when reached again through right.
  expect(policy.safety.value).toBe('standard');
});

test('unset settings take the permissive defaults, with source "default"', () => {
  const policy = load(`
    agents:
      a: { allow: ["fs/*"] }
  `).policyFor('a', 'dev');
  expect(patterns(policy.allow)).toEqual(['fs/* @ gateway.yaml:2:16']);
  expect({
    shell: policy.shell,
    fileWrite: policy.fileWrite,
    database: policy.database,
    safety: policy.safety,
    approval: policy.approval.mode,
    bashOnly: policy.bashOnly,
  }).toEqual({
    shell: { value: 'unrestricted', source: 'default' },
    fileWrite: { value: 'full', source: 'default' },
    database: { value: 'mutations', source: 'default' },
    safety: { value: 'full', source: 'default' },
    approval: { value: 'none', source: 'default' },
    bashOnly: { value: false, source: 'default' },
  });
});

test('policy caps are the default of settings no profile sets', () => {
  const policy = load(`
    policy: { shell: restricted, file_write: create-only, database: readonly }
    agents:
      a: { allow: ["fs/*"] }
  `).policyFor('a', 'dev');
  expect(policy.shell).toEqual({ value: 'restricted', source: 'gateway.yaml:1:18' });
  expect(policy.fileWrite).toEqual({ value: 'create-only', source: 'gateway.yaml:1:42' });
  expect(policy.database).toEqual({ value: 'readonly', source: 'gateway.yaml:1:65' });
});

test('working_dir resolves against the config directory', () => {
  const config = load(`
    profiles:
      p: { working_dir: ./project }
    agents:
      a: { extends: [p] }
      b: { extends: [readonly] }
  `);
  expect(config.workingDirFor('a')).toBe('/project/project');
  expect(config.workingDirFor('b')).toBeUndefined();
});
