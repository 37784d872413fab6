// `approvals list` points a person at a console that answers: a console whose gateway was killed is
// not printed, even when the last console address recorded in the state dir is that one.
import { expect, test } from 'vitest';
import { alive, connectStdio, consoleLoginUrl, eventually, runWarden, waitForTicket, writeConfig } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
environments:
  dev: { safety: full }
approval: { channels: [console], timeout: 60s }
`;

test('after kill -9 of the gateway whose console was recorded last, approvals list names the live console only', async () => {
  const config = writeConfig(CONFIG);
  const live = await connectStdio(config, 'dev');
  const liveUrl = (await consoleLoginUrl(live.stderr)).replace(/\?token=.*$/, '');
  // Started second, so its console's address is the one recorded; port 0 gives it a console of its own.
  const doomed = await connectStdio(config, 'dev');
  const doomedUrl = (await consoleLoginUrl(doomed.stderr)).replace(/\?token=.*$/, '');
  expect(doomedUrl).not.toBe(liveUrl);

  // The live gateway's call waits for an answer; it is denied when the gateway closes.
  const call = live.client.callTool({ name: 'echo_write_note', arguments: { path: 'dead-console.txt', text: 'x' } }).catch(() => undefined);
  await waitForTicket(config.dir, (t) => t.state === 'pending' && t.arguments.path === 'dead-console.txt');
  process.kill(doomed.pid, 'SIGKILL');
  await eventually(() => !alive(doomed.pid));

  const list = await runWarden(config.dir, ['approvals', 'list']);
  expect(list.code).toBe(0);
  expect(list.stdout).not.toContain(doomedUrl);
  expect(list.stdout.split('\n')[0]).toBe(`1 call waiting for approval (console: ${liveUrl}):`);

  await live.close();
  await call;
  await doomed.close().catch(() => {});
}, 60_000);
