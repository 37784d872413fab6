// A gateway that stops (SIGTERM, or the agent ending stdin) while calls wait for approval answers each
// of them: an isError result saying the gateway is shutting down, then the ticket is withdrawn and
// audited. Before, stdio just closed the pipe and HTTP ended the call's stream with no answer.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ChildProcess } from 'node:child_process';
import { expect, test } from 'vitest';
import { connectHttp, connectStdio, eventually, readAudit, readTickets, startHttpGateway, textOf, waitForTicket, writeConfig } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
    token: token-dev
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
approval: { channels: [console], timeout: 60s }
`;
const SHUTDOWN = 'Approval was not given: The gateway shut down while the call waited for approval';

/** The call's result, or the way it failed: "no answer" when nothing came in 20 s. */
function settle(call: Promise<unknown>): Promise<unknown> {
  return Promise.race([
    call.then(
      (result) => result,
      (error: Error) => ({ rejected: error.message }),
    ),
    new Promise((resolve) => setTimeout(() => resolve('no answer'), 20_000)),
  ]);
}

async function callTwo(client: Client, prefix: string): Promise<{ calls: Array<Promise<unknown>>; paths: string[] }> {
  const paths = [`${prefix}-1.txt`, `${prefix}-2.txt`];
  const calls = paths.map((path) => settle(client.callTool({ name: 'echo_write_note', arguments: { path, text: 'x' } })));
  for (const path of paths) await waitForTicket(config.dir, (t) => t.state === 'pending' && t.arguments.path === path);
  return { calls, paths };
}

async function expectAnsweredAndWithdrawn(calls: Array<Promise<unknown>>, paths: string[]): Promise<void> {
  for (const result of await Promise.all(calls)) {
    expect(result).toMatchObject({ isError: true });
    expect(textOf(result).split('\n').at(-1)).toBe(SHUTDOWN);
  }
  for (const path of paths) {
    const ticket = readTickets(config.dir).find((t) => t.arguments.path === path)!;
    expect(ticket.answer).toMatchObject({ state: 'withdrawn', channel: 'cancelled' });
    const records = () => readAudit(config.dir).filter((line) => line.decision_id === ticket.id || line.approval?.ticket === ticket.id);
    // The audit is flushed as the gateway exits, just after the answers went out.
    // No need to fail here: the next expect pins the exact records, so a missing one still fails the test.
    await eventually(() => records().length >= 3, 15_000).catch(() => {});
    const audit = records();
    expect(audit.map((line) => [line.event, line.outcome])).toEqual([
      ['approval', 'asked'],
      ['approval', 'cancelled'],
      ['call', 'cancelled'],
    ]);
  }
}

const config = writeConfig(CONFIG);

test('stdio, SIGTERM: every waiting call gets an isError result saying the gateway is shutting down; the tickets are withdrawn and audited', async () => {
  const agent = await connectStdio(config, 'dev');
  const { calls, paths } = await callTwo(agent.client, 'stdio-term');
  process.kill(agent.pid, 'SIGTERM');
  await expectAnsweredAndWithdrawn(calls, paths);
  // The gateway has exited; closing its transport may fail, which is cleanup, not the subject.
  await agent.close().catch(() => {});
});

test('stdio, the agent ends stdin: the waiting calls are answered on stdout before the gateway exits', async () => {
  const agent = await connectStdio(config, 'dev');
  const { calls, paths } = await callTwo(agent.client, 'stdio-end');
  // Only our write side closes; the client keeps reading the gateway's stdout.
  (agent.transport as unknown as { _process: ChildProcess })._process.stdin!.end();
  await expectAnsweredAndWithdrawn(calls, paths);
  // The gateway has exited; closing its transport may fail, which is cleanup, not the subject.
  await agent.close().catch(() => {});
});

test('HTTP, SIGTERM: every waiting call gets an isError result on its stream before the gateway exits', async () => {
  const gateway = await startHttpGateway(config);
  const client = await connectHttp(gateway.url, 'token-dev');
  const { calls, paths } = await callTwo(client, 'http-term');
  const stopped = gateway.stop('SIGTERM');
  await expectAnsweredAndWithdrawn(calls, paths);
  expect(await stopped).toBe(0);
  // The gateway has exited; closing the client may fail, which is cleanup, not the subject.
  await client.close().catch(() => {});
  await eventually(() => gateway.child.exitCode !== null);
});
