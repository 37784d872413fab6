// config.agentView: one agent's view of the config in one environment, computed once and giving the
// same answers as policyFor / serverFor / timeoutFor, which stay for the tests and tools that use them.
import { expect, test } from 'vitest';
import { load } from './helpers.js';

const YAML = `
servers:
  fs: { command: node, args: [fs.mjs], kind: filesystem, roots: [data] }
  gh: { url: "https://example.com/mcp" }
profiles:
  dev:
    extends: [developer]
    working_dir: ./work
    timeout: 9s
agents:
  a: { extends: [dev], webhook: { url: "https://hooks.example.com/a" }, approval: { channels: [webhook] } }
  b: { extends: [readonly] }
environments:
  dev: { safety: full }
  prod: { safety: standard, agents: [a], env: { KUBECONFIG: /k }, webhook: { url: "https://hooks.example.com/prod" }, approval: { channels: [console] } }
default_environment: dev
approval:
  channels: [elicitation, console]
  timeout: 30s
`;

test('the view is computed once per agent and environment: the same object every time', () => {
  const config = load(YAML);
  const view = config.agentView('a', 'dev');
  expect(config.agentView('a', 'dev')).toBe(view);
  expect(config.agentView('a', 'prod')).not.toBe(view);
  expect(config.agentView('b', 'dev')).not.toBe(view);
  expect(Object.isFrozen(view)).toBe(true);
});

test.each([
  ['a', 'dev'],
  ['a', 'prod'],
  ['b', 'dev'],
  ['b', 'prod'],
])('agentView(%s, %s) answers as policyFor, serverFor and timeoutFor do', (agent, environment) => {
  const config = load(YAML);
  const view = config.agentView(agent, environment);
  expect(view.agent).toBe(agent);
  expect(view.environment).toBe(environment);
  expect(view.effective).toEqual(config.policyFor(agent, environment));
  expect([...view.servers.keys()]).toEqual(['fs', 'gh']);
  for (const id of ['fs', 'gh']) expect(view.servers.get(id)).toEqual(config.serverFor(agent, id));
  expect(view.timeoutMs).toBe(config.timeoutFor(agent));
  expect(view.toolNames).toBe(config.toolNames);
  expect(view.approvalTimeoutMs).toBe(30_000);
});

test('servers are as started for the agent: in its working_dir, with a filesystem root resolved there', () => {
  const config = load(YAML);
  const fs = config.agentView('a', 'dev').servers.get('fs');
  expect(fs).toMatchObject({ transport: 'stdio', cwd: '/project/work' });
  expect(config.agentView('b', 'dev').servers.get('fs')).toMatchObject({ cwd: '/project' });
  expect(config.agentView('a', 'dev').timeoutMs).toBe(9000);
  expect(config.agentView('b', 'dev').timeoutMs).toBeUndefined();
});

test('approval channels: the agent’s, else the environment’s, else the global list; webhooks: agent then environment', () => {
  const config = load(YAML);
  expect(config.agentView('a', 'prod').approvalChannels).toEqual(['webhook']);
  expect(config.agentView('b', 'prod').approvalChannels).toEqual(['console']);
  expect(config.agentView('b', 'dev').approvalChannels).toEqual(['elicitation', 'console']);
  expect(config.agentView('a', 'prod').webhooks.map((hook) => hook.url)).toEqual(['https://hooks.example.com/a', 'https://hooks.example.com/prod']);
  expect(config.agentView('a', 'dev').webhooks.map((hook) => hook.url)).toEqual(['https://hooks.example.com/a']);
  expect(config.agentView('b', 'dev').webhooks).toEqual([]);
});

test('an agent the environment does not list is inactive there; the environment’s variables come with the view', () => {
  const config = load(YAML);
  expect(config.agentView('a', 'prod').active).toBe(true);
  expect(config.agentView('b', 'prod').active).toBe(false);
  expect(config.agentView('b', 'dev').active).toBe(true);
  expect(config.agentView('a', 'prod').extraEnv).toEqual({ KUBECONFIG: '/k' });
  expect(config.agentView('a', 'dev').extraEnv).toEqual({});
});

test.each([
  ['nobody', 'dev', 'UNKNOWN_AGENT'],
  ['a', 'nowhere', 'UNKNOWN_ENVIRONMENT'],
])('agentView(%s, %s) throws %s, and caches nothing for it', (agent, environment, code) => {
  const config = load(YAML);
  expect(() => config.agentView(agent, environment)).toThrow(expect.objectContaining({ code }));
  expect(() => config.agentView(agent, environment)).toThrow(expect.objectContaining({ code }));
});
