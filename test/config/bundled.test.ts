import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { expect, test } from 'vitest';
import { gatewayJsonSchemaText, loadConfig } from '../../src/config/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = readdirSync(path.join(root, 'examples')).filter((name) => name.endsWith('.yaml'));

test('the bundled gateway.yaml loads without any environment variable', async () => {
  const config = await loadConfig({ cwd: root, env: {} });
  expect(Object.keys(config.servers)).toEqual(['fs', 'everything']);
  expect(Object.keys(config.agents)).toEqual(['claude-code', 'opencode', 'ci']);
  expect(config.agents['claude-code']!.token).toBe('dev-token-claude-code');
  expect(config.servers.fs!.roots).toEqual([path.join(root, 'examples/workspace')]);
  expect(Object.keys(config.environments)).toEqual(['dev', 'staging', 'prod']);
  expect(config.defaultEnvironment).toBe('dev');
  for (const agent of Object.keys(config.agents)) {
    for (const environment of Object.keys(config.environments)) expect(config.policyFor(agent, environment).agent).toBe(agent);
  }
});

test('the bundled gateway.yaml points editors at the schema', () => {
  expect(readFileSync(path.join(root, 'gateway.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema/gateway.schema.json');
});

test('the tokens of the bundled gateway.yaml come from the environment when set', async () => {
  const config = await loadConfig({ cwd: root, env: { CLAUDE_CODE_TOKEN: 'from-env' } });
  expect(config.agents['claude-code']!.token).toBe('from-env');
});

test('there are at least three examples', () => {
  expect(examples).toEqual(expect.arrayContaining(['solo-developer.yaml', 'team-environments.yaml', 'ci-sandbox.yaml']));
});

test.each(examples)('examples/%s loads and resolves every agent in every environment', async (name) => {
  const config = await loadConfig({ file: path.join('examples', name), cwd: root, env: {} });
  for (const agent of Object.keys(config.agents)) {
    for (const environment of Object.keys(config.environments)) expect(config.policyFor(agent, environment).agent).toBe(agent);
  }
});

test('schema/gateway.schema.json is up to date (run `npm run schema`)', () => {
  const committed = readFileSync(path.join(root, 'schema/gateway.schema.json'), 'utf8');
  expect(committed).toBe(gatewayJsonSchemaText());
});
