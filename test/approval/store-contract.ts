// The TicketStore contract: what every store (memory, file, PostgreSQL) must do, as one suite run
// against each. First answer wins, unknown ids, expiry, single use, "remember for this session",
// timeout and cancellation through a real approver.
import { expect, test } from 'vitest';
import { createApprover, type Clock, type TicketStore } from '../../src/approval/index.js';
import { createTicket } from '../../src/approval/ticket.js';
import { approvalConfig, askRequest, pendingTicket } from './helpers.js';

/** Makes a fresh, empty store; the caller cleans it up after each test. */
export type MakeStore = (options?: { clock?: Clock }) => Promise<TicketStore>;

/** Registers the contract tests for one store, each test name starting with `name`. */
export function ticketStoreContract(name: string, makeStore: MakeStore): void {
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

  test(`${name}: an approval "with trust" of a ticket showing a changed definition reaches the waiting call and is kept`, async () => {
    const store = await makeStore();
    const approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store });
    const definition = { pin: { state: 'changed' as const, fields: ['description'], diff: '-description: a\n+description: b', digest: 'sha256:b' } };
    const asked = approver.request({ ...askRequest(), definition }, {});
    const ticket = await pendingTicket(store);
    await store.decide(ticket.id, { state: 'approved', channel: 'cli', by: 'alice', trust: true });
    expect(await asked).toMatchObject({ approved: true, trust: true });
    expect(await store.get(ticket.id)).toMatchObject({ state: 'approved', trust: true });
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
