// Tickets: what they bind, single use, first answer wins (also between processes), expiry,
// "remember for this session" and cancellation, against both stores (the contract suite in
// store-contract.ts), and what only the file store does.
import { execFile } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { stat, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, test } from 'vitest';
import {
  MemoryTicketStore,
  createApprover,
  digestArguments,
  openFileTicketStore,
  type Clock,
} from '../../src/approval/index.js';
import { createTicket, isTicketId } from '../../src/approval/ticket.js';
import { approvalConfig, askRequest, pendingTicket, tempDir } from './helpers.js';
import { ticketStoreContract } from './store-contract.js';

const run = promisify(execFile);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fileStore(options: { clock?: Clock; historyLimit?: number } = {}) {
  const { dir, cleanup } = await tempDir();
  const store = await openFileTicketStore({ dir: join(dir, 'approvals'), ...options });
  cleanups.push(async () => {
    await store.close();
    await cleanup();
  });
  return store;
}

test('a ticket binds the call, the digest of its exact arguments and an unguessable id', () => {
  const ticket = createTicket(askRequest(), { now: 1_000, timeoutMs: 120_000 });
  expect(isTicketId(ticket.id)).toBe(true);
  expect(createTicket(askRequest(), { now: 1_000, timeoutMs: 1 }).id).not.toBe(ticket.id);
  expect(ticket).toMatchObject({
    agent: 'claude-code',
    session: 'session-1',
    environment: 'prod',
    server: 'fs',
    tool: 'write_file',
    arguments: { path: 'notes/todo.md', content: 'ship it <b>now</b>' },
    createdAt: 1_000,
    expiresAt: 121_000,
    state: 'pending',
  });
  expect(ticket.argumentsSha256).toMatch(/^[0-9a-f]{64}$/);
  // Key order does not change the digest; any change of value does.
  expect(digestArguments({ b: 1, a: { y: 2, x: [1, { d: 1, c: 2 }] } })).toBe(digestArguments({ a: { x: [1, { c: 2, d: 1 }], y: 2 }, b: 1 }));
  expect(digestArguments({ path: 'a' })).not.toBe(digestArguments({ path: 'a ' }));
});

ticketStoreContract('memory store', async (options) => new MemoryTicketStore(options));
ticketStoreContract('file store', fileStore);

test('file store: two processes racing to answer the same tickets, exactly one wins each', async () => {
  const store = await fileStore();
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const ticket = createTicket(askRequest({ arguments: { n: i } }), { now: Date.now(), timeoutMs: 60_000 });
    await store.create(ticket);
    ids.push(ticket.id);
  }
  const startFile = join(store.dir, '..', 'go');
  const racer = (state: string) =>
    run(process.execPath, ['--import', 'tsx', 'test/approval/fixtures/answer-race.ts', store.dir, startFile, state, ...ids], { cwd: process.cwd() });
  const racers = [racer('approved'), racer('denied')];
  // Start both at once, when both have loaded and are polling for the start file.
  const root = join(store.dir, '..');
  while ((await readdir(root)).filter((name) => name.startsWith('go.ready-')).length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  await writeFile(startFile, 'go');
  const [approver, denier] = (await Promise.all(racers)).map((r) => (JSON.parse(r.stdout) as { won: string[] }).won);
  for (const id of ids) {
    const winners = [approver!.includes(id), denier!.includes(id)].filter(Boolean);
    expect(winners, `ticket ${id}`).toHaveLength(1);
    expect((await store.get(id))?.state).toBe(approver!.includes(id) ? 'approved' : 'denied');
  }
});

test('file store: a gateway waiting on a ticket sees an answer written by another process', async () => {
  const store = await fileStore();
  const approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store });
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  await run(process.execPath, ['--import', 'tsx', 'test/approval/fixtures/cli-approve.ts', store.dir, ticket.id]);
  expect(await asked).toMatchObject({ approved: true, channel: 'cli', by: 'operator in another terminal', ticketId: ticket.id });
});

test('file store: the directory is private and every file is 0600', async () => {
  const store = await fileStore();
  await store.create(createTicket(askRequest(), { now: Date.now(), timeoutMs: 60_000 }));
  const [ticketFile] = await readdir(store.dir);
  await store.decide(ticketFile!.replace('.json', ''), { state: 'denied', channel: 'cli' });
  expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
  for (const name of await readdir(store.dir)) expect((await stat(join(store.dir, name))).mode & 0o777, name).toBe(0o600);
});

test('file store: an answer file that does not match the ticket never approves it', async () => {
  const store = await fileStore();
  const ticket = createTicket(askRequest(), { now: Date.now(), timeoutMs: 60_000 });
  await store.create(ticket);
  const other = createTicket(askRequest({ arguments: { path: 'harmless' } }), { now: Date.now(), timeoutMs: 60_000 });
  // An approval written for other arguments (a stale or forged answer) lands on this ticket's answer file.
  await writeFile(
    join(store.dir, `${ticket.id}.answer.json`),
    JSON.stringify({ state: 'approved', channel: 'console', ticketId: ticket.id, argumentsSha256: other.argumentsSha256, at: Date.now() }),
  );
  expect(await store.get(ticket.id)).toMatchObject({ state: 'denied', decisionReason: 'The recorded answer does not match this ticket; denied' });
});

test('file store: keeps a capped history of decided tickets', async () => {
  const store = await fileStore({ historyLimit: 3 });
  for (let i = 0; i < 6; i++) {
    const ticket = createTicket(askRequest({ arguments: { n: i } }), { now: Date.now() + i, timeoutMs: 60_000 });
    await store.create(ticket);
    await store.decide(ticket.id, { state: 'denied', channel: 'cli' });
  }
  const pending = createTicket(askRequest(), { now: Date.now(), timeoutMs: 60_000 });
  await store.create(pending);
  const tickets = await store.list();
  expect(tickets.filter((t) => t.state === 'denied')).toHaveLength(3);
  expect(tickets.filter((t) => t.state === 'pending').map((t) => t.id)).toEqual([pending.id]);
});

test('file store: a pending ticket of a gateway that is no longer running is marked withdrawn', async () => {
  const store = await fileStore();
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  const ticket = createTicket(askRequest(), { now: Date.now(), timeoutMs: 60_000 });
  await store.create({ ...ticket, owner: { pid: gone, host: ticket.owner!.host } });
  const [listed] = await store.list();
  expect(listed).toMatchObject({ id: ticket.id, state: 'withdrawn', decisionReason: 'The gateway that asked is no longer running' });
});
