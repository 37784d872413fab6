// `mcp-warden tools` labels what the agent's tool list does (visible, asks, hidden), not a call's
// decision: under prod a visible write tool is still denied by explain, and the table says so.
import { expect, test } from 'vitest';
import { writeConfig } from '../e2e/harness.js';
import { runCli } from './run-cli.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo, add]
agents:
  dev:
    allow: ["echo/echo", "echo/add", "echo/write_note"]
    ask: ["echo/add"]
    deny: ["echo/env"]
environments:
  dev: { safety: full }
  prod: { safety: safe }
default_environment: dev
`;

test('the table heads its columns with visibility and says that arguments decide a call', async () => {
  const config = writeConfig(CONFIG);
  const result = await runCli(['tools', '--config', config.file, '--env', 'prod', '--agent', 'dev'], config.dir);
  expect(result.code).toBe(0);
  const lines = result.out.split('\n');
  expect(lines[0]).toBe('Tools agent "dev" sees in environment "prod". A visible tool\'s call can still be asked or denied');
  expect(result.out).toMatch(/^VISIBILITY +TOOL +EXPOSED AS +WHY$/m);
  expect(result.out).toMatch(/^visible +echo\/echo +echo_echo /m);
  expect(result.out).toMatch(/^asks +echo\/add +echo_add /m);
  expect(result.out).toMatch(/^hidden +echo\/env +- /m);
  expect(result.out).not.toMatch(/^(allow|deny) /m);
});

test('--json keeps "decision" and adds "visibility"', async () => {
  const config = writeConfig(CONFIG);
  const result = await runCli(['tools', '--config', config.file, '--agent', 'dev', '--json'], config.dir);
  const { tools } = JSON.parse(result.out) as { tools: Array<Record<string, unknown>> };
  const byName = new Map(tools.map((row) => [row.tool, row]));
  expect(byName.get('echo/echo')).toMatchObject({ decision: 'allow', visibility: 'visible', exposed: 'echo_echo' });
  expect(byName.get('echo/add')).toMatchObject({ decision: 'ask', visibility: 'asks' });
  expect(byName.get('echo/env')).toMatchObject({ decision: 'deny', visibility: 'hidden', exposed: null });
});
