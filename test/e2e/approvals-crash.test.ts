// A gateway that dies with a call waiting (kill -9, a crash) leaves a pending ticket nobody waits for.
// Answering it must say so and record nothing, also when the dead gateway's pid now belongs to another
// process; `approvals list` shows such tickets as orphaned and withdraws them.
import { hostname } from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openFileTicketStore } from '../../src/approval/file-store.js';
import { createTicket } from '../../src/approval/ticket.js';
import { alive, approvalsDirOf, connectStdio, eventually, readTickets, runWarden, waitForTicket, writeConfig } from './harness.js';

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

let config: { dir: string; file: string };
beforeAll(() => {
  config = writeConfig(CONFIG);
});
afterAll(() => {});

test('after kill -9 with a call waiting, approve exits 1 saying the gateway is gone and records nothing; list shows the ticket orphaned and withdraws it', async () => {
  const agent = await connectStdio(config, 'dev');
  const pid = agent.pid;
  // The gateway is killed under this call; its rejection is expected and not what the test checks.
  void agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'crash.txt', text: 'x' } }).catch(() => {});
  const ticket = await waitForTicket(config.dir, (t) => t.state === 'pending' && t.arguments.path === 'crash.txt');

  process.kill(pid, 'SIGKILL');
  await eventually(() => !alive(pid));

  const approve = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(approve).toEqual({
    code: 1,
    stdout: '',
    stderr: `mcp-warden: Ticket "${ticket.id}" was not approved: the gateway that asked (pid ${pid}) is no longer running, so nobody waits for this call; nothing was recorded. "mcp-warden approvals list" withdraws such tickets\n`,
  });
  const stored = readTickets(config.dir).find((t) => t.id === ticket.id)!;
  expect(stored.state).toBe('pending');
  expect(stored.answer).toBeUndefined();

  const list = await runWarden(config.dir, ['approvals', 'list']);
  expect(list.code).toBe(0);
  const lines = list.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe('No call is waiting for approval.');
  expect(lines.slice(1, 4)).toEqual([
    '',
    'Orphaned (the gateway that asked is no longer running, so nobody waits for the call; withdrawn):',
    `  ${ticket.id}  echo/write_note  agent "dev"  gateway pid ${pid}  asked ${new Date(ticket.createdAt).toISOString()}`,
  ]);
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)!.answer).toMatchObject({
    state: 'withdrawn',
    channel: 'orphaned',
    reason: 'The gateway that asked is no longer running',
  });
  const deny = await runWarden(config.dir, ['approvals', 'deny', ticket.id.slice(0, 8)]);
  expect(deny.code).toBe(1);
  expect(deny.stderr).toContain(`Ticket "${ticket.id}" was not denied: the gateway that asked (pid ${pid}) is no longer running`);
  const json = JSON.parse((await runWarden(config.dir, ['approvals', 'list', '--json'])).stdout) as { pending: unknown[]; orphaned: Array<{ id: string }> };
  expect(json.pending).toEqual([]);
  expect(json.orphaned.map((t) => t.id)).toContain(ticket.id);
  // The gateway was killed; closing its dead transport may fail, which the test does not care about.
  await agent.close().catch(() => {});
});

test("a ticket whose gateway's pid now belongs to another process (another start time) is orphaned too", async () => {
  // The pid is alive (it is this test process), but it started at another time than the recorded gateway.
  const store = await openFileTicketStore({ dir: approvalsDirOf(config.dir) });
  const ticket = createTicket(
    { agent: 'dev', session: 's', environment: 'dev', server: 'echo', tool: 'write_note', arguments: { path: 'reused.txt' }, reasons: [] },
    { now: Date.now(), timeoutMs: 60_000 },
  );
  expect(ticket.owner!.started).toMatch(/^\d+$/);
  await store.create({ ...ticket, owner: { pid: process.pid, host: hostname(), started: '1' } });
  await store.close();

  const approve = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(approve.code).toBe(1);
  expect(approve.stderr).toBe(
    `mcp-warden: Ticket "${ticket.id}" was not approved: the gateway that asked (pid ${process.pid}) is no longer running, so nobody waits for this call; nothing was recorded. "mcp-warden approvals list" withdraws such tickets\n`,
  );
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)!.answer).toBeUndefined();

  // The same pid with its real start time is a live gateway: its ticket stays answerable.
  const live = createTicket(
    { agent: 'dev', session: 's', environment: 'dev', server: 'echo', tool: 'write_note', arguments: { path: 'live.txt' }, reasons: [] },
    { now: Date.now(), timeoutMs: 60_000 },
  );
  const again = await openFileTicketStore({ dir: approvalsDirOf(config.dir) });
  await again.create(live);
  await again.close();
  const ok = await runWarden(config.dir, ['approvals', 'deny', live.id]);
  expect(ok.code).toBe(0);
  expect(readTickets(config.dir).find((t) => t.id === live.id)!.answer).toMatchObject({ state: 'denied', channel: 'cli' });
});
