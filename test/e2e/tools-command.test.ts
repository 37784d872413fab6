// `mcp-warden tools`: connects to the real upstreams as the agent would and lists every tool with
// its decision and exposed name; hidden tools show as such.
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { BIN, gatewayEnv, writeConfig } from './harness.js';

test('tools lists each upstream tool with its decision and the name the agent sees', () => {
  const config = writeConfig(`
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    allow: ["echo/echo", "echo/add"]
    ask: ["echo/write_note"]
    deny: ["echo/env"]
`);
  const run = spawnSync(process.execPath, [BIN, 'tools', '--config', config.file, '--agent', 'dev', '--json'], { cwd: config.dir, env: gatewayEnv(config.dir), encoding: 'utf8', timeout: 30_000 });
  expect(run.status).toBe(0);
  const { tools } = JSON.parse(run.stdout) as { tools: Array<{ tool: string; exposed: string | null; decision: string }> };
  const byName = new Map(tools.map((row) => [row.tool, row]));
  expect(byName.get('echo/echo')).toMatchObject({ exposed: 'echo_echo', decision: 'allow' });
  expect(byName.get('echo/write_note')).toMatchObject({ exposed: 'echo_write_note', decision: 'ask' });
  expect(byName.get('echo/env')).toMatchObject({ exposed: null, decision: 'deny' });
  expect(byName.get('echo/fail')).toMatchObject({ exposed: null, decision: 'deny' });
});
