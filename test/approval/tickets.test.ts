// Tickets: what they bind, single use, first answer wins (also between processes), expiry,
// "remember for this session" and cancellation, against both stores.
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
  type TicketStore,
} from '../../src/approval/index.js';
import { createTicket, isTicketId } from '../../src/approval/ticket.js';
import { approvalConfig, askRequest, pendingTicket, tempDir } from './helpers.js';

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

const stores: Array<[string, (options?: { clock?: Clock }) => Promise<TicketStore>]> = [
  ['memory store', async (options) => new MemoryTicketStore(options)],
  ['file store', fileStore],
];

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

for (const [name, makeStore] of stores) {
  test(`${name}: the first answer wins and later answers are told it was already decided`, async () => {
    const store = await makeStore();
    const ticket = createTicket(askRequest(), { now: Date.now(), timeoutMs: 60_000 });
    await store.create(ticket);
    const results = await Promise.all([
      store.decide(ticket.id, { state: 'approved', channel: 'console', by: 'alice' }),
      store.decide(ticket.id, { state: 'denied', channel: 'cli', by: 'bob', reason: 'no' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok)!;
    expect(loser).toMatchObject({ ok: false, problem: 'decided' });
    const final = await store.get(ticket.id);
    expect(final?.state).toBe(results[0].ok ? 'approved' : 'denied');

    // A replay of the winning answer is refused too, and changes nothing.
    const replay = await store.decide(ticket.id, { state: 'approved', channel: 'console', by: 'alice' });
    expect(replay).toMatchObject({ ok: false, problem: 'decided', ticket: { state: final?.state } });
  });

  test(`${name}: unknown ids, including ones shaped like paths, are unknown`, async () => {
    const store = await makeStore();
    for (const id of ['aaaaaaaaaaaaaaaaaaaaaaaaaa', '../../etc/passwd', '']) {
      expect(await store.get(id)).toBeUndefined();
      expect(await store.decide(id, { state: 'approved', channel: 'console' })).toEqual({ ok: false, problem: 'unknown' });
    }
  });

  test(`${name}: an answer after the expiry records the expiry instead`, async () => {
    let now = 10_000;
    const store = await makeStore({ clock: { now: () => now } });
    const ticket = createTicket(askRequest(), { now, timeoutMs: 1_000 });
    await store.create(ticket);
    now += 1_000;
    const late = await store.decide(ticket.id, { state: 'approved', channel: 'console' });
    expect(late).toMatchObject({ ok: false, problem: 'expired', ticket: { state: 'expired', channel: 'timeout' } });
    expect(await store.decide(ticket.id, { state: 'approved', channel: 'console' })).toMatchObject({ ok: false, problem: 'decided' });
  });

  test(`${name}: an approval is used once; the same call again opens a new ticket`, async () => {
    const store = await makeStore();
    const approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store });
    const first = approver.request(askRequest(), {});
    const ticket = await pendingTicket(store);
    await store.decide(ticket.id, { state: 'approved', channel: 'console', by: 'alice' });
    expect(await first).toMatchObject({ approved: true, ticketId: ticket.id, channel: 'console', by: 'alice' });

    const controller = new AbortController();
    const second = approver.request(askRequest(), { signal: controller.signal });
    const next = await pendingTicket(store);
    expect(next.id).not.toBe(ticket.id);
    controller.abort();
    expect(await second).toMatchObject({ approved: false, channel: 'cancelled' });
    await approver.close();
  });

  test(`${name}: "remember for this session" covers only the same agent, session, tool and argument digest`, async () => {
    const store = await makeStore();
    const approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store });
    const first = approver.request(askRequest(), {});
    const ticket = await pendingTicket(store);
    await store.decide(ticket.id, { state: 'approved', channel: 'console', by: 'alice', remember: true });
    expect(await first).toMatchObject({ approved: true, remember: true });

    // Same call, keys in another order: passes without a new ticket.
    const again = await approver.request(askRequest({ arguments: { content: 'ship it <b>now</b>', path: 'notes/todo.md' } }), {});
    expect(again).toMatchObject({ approved: true, channel: 'remembered', ticketId: ticket.id, by: 'alice' });
    expect((await store.list()).filter((t) => t.state === 'pending')).toHaveLength(0);

    for (const other of [
      askRequest({ arguments: { path: 'notes/todo.md', content: 'rm -rf /' } }),
      askRequest({ session: 'session-2' }),
      askRequest({ tool: 'edit_file' }),
      askRequest({ agent: 'ci' }),
    ]) {
      const controller = new AbortController();
      const asked = approver.request(other, { signal: controller.signal });
      const pending = await pendingTicket(store);
      expect(pending.id).not.toBe(ticket.id);
      controller.abort();
      expect(await asked).toMatchObject({ approved: false, channel: 'cancelled' });
    }

    approver.forgetSession?.('session-1');
    const controller = new AbortController();
    const forgotten = approver.request(askRequest(), { signal: controller.signal });
    await pendingTicket(store);
    controller.abort();
    expect(await forgotten).toMatchObject({ approved: false });
    await approver.close();
  });

  test(`${name}: no answer before the timeout denies, and a late answer cannot revive it`, async () => {
    const store = await makeStore();
    const events: string[] = [];
    const approver = createApprover(approvalConfig({ channels: ['console'], timeoutMs: 150 }), {
      nonInteractive: false,
      store,
      events: { onEvent: (e) => events.push(e.type) },
    });
    const outcome = await approver.request(askRequest(), {});
    expect(outcome).toMatchObject({ approved: false, channel: 'timeout', reason: 'No one answered within 150ms; denied' });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(140);
    expect(await store.get(outcome.ticketId)).toMatchObject({ state: 'expired', channel: 'timeout' });
    expect(await store.decide(outcome.ticketId, { state: 'approved', channel: 'console' })).toMatchObject({ ok: false, problem: 'decided' });
    expect(events).toEqual(['asked', 'expired']);
  });

  test(`${name}: an agent that cancels while waiting withdraws its ticket`, async () => {
    const store = await makeStore();
    const events: string[] = [];
    const approver = createApprover(approvalConfig({ channels: ['console'] }), {
      nonInteractive: false,
      store,
      events: { onEvent: (e) => events.push(e.type) },
    });
    const controller = new AbortController();
    const asked = approver.request(askRequest(), { signal: controller.signal });
    const ticket = await pendingTicket(store);
    controller.abort();
    expect(await asked).toMatchObject({
      approved: false,
      channel: 'cancelled',
      ticketId: ticket.id,
      reason: 'The agent cancelled the call while it waited for approval',
    });
    expect(await store.get(ticket.id)).toMatchObject({ state: 'withdrawn' });
    expect((await store.list()).filter((t) => t.state === 'pending')).toEqual([]);
    expect(await store.decide(ticket.id, { state: 'approved', channel: 'console' })).toMatchObject({ ok: false, problem: 'decided' });
    expect(events).toEqual(['asked', 'cancelled']);
  });
}

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
