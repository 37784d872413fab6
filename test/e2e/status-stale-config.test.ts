// `mcp-warden status` shows a gateway whose running config is stale: a real HTTP gateway, its
// gateway.yaml edited into an invalid one (an unknown key), and status naming where the file is wrong
// while the gateway keeps serving the config it has.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import type { StatusReport } from '../../src/status/status-report.js';
import { eventually, runWarden, startHttpGateway, writeConfig, type HttpGateway } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    allow: ["echo/*"]
    token: token-dev
environments:
  staging: { safety: full }
`;

let gateway: HttpGateway | undefined;
afterAll(async () => {
  await gateway?.stop();
});

test('status shows the running config as stale, since when and where the new file is wrong', async () => {
  const config = writeConfig(CONFIG);
  gateway = await startHttpGateway(config, { args: ['--non-interactive'] });
  const status = async () => JSON.parse((await runWarden(config.dir, ['status', '--json'])).stdout) as StatusReport;
  await eventually(async () => (await status()).gateways.length === 1, 15_000);
  expect((await status()).gateways[0]!.configState).toMatchObject({ generation: 1, stale: false });
  expect((await runWarden(config.dir, ['status'])).stdout).not.toContain('stale');

  // "alow" for "allow", on line 8 column 5 of the file.
  const text = readFileSync(config.file, 'utf8');
  writeFileSync(config.file, text.replace('    allow: ["echo/*"]', '    alow: ["echo/*"]'));
  let entry!: StatusReport['gateways'][number];
  await eventually(async () => Boolean((entry = (await status()).gateways[0]!).configState?.stale), 20_000);
  expect(entry.configState).toMatchObject({ generation: 1, stale: true, staleSince: expect.any(Number) as unknown, lastErrorWhere: [expect.stringMatching(/^gateway\.yaml:8:5\b/) as unknown] });

  const words = (await runWarden(config.dir, ['status'])).stdout;
  expect(words).toMatch(/\n {2}config: stale since \d\d:\d\d — .*gateway\.yaml:8:5.*"alow".* \(still serving generation 1; fix the file, it reloads on save or SIGHUP\)\n/);

  // Fixed: no longer stale, a new generation.
  writeFileSync(config.file, text);
  await eventually(async () => (await status()).gateways[0]!.configState?.generation === 2, 20_000);
  expect((await status()).gateways[0]!.configState).toMatchObject({ stale: false });
}, 90_000);
