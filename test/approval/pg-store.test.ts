// The PostgreSQL ticket store on a real PostgreSQL: the store contract, several replicas on one
// database (an answer on one wakes a call waiting on another; three answering at once, one wins;
// migrations run at once), a replica that is gone, and the database going away and coming back.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import pg from 'pg';
import { createApprover } from '../../src/approval/index.js';
import { createTicket } from '../../src/approval/ticket.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { createDatabase, describeWithPostgres, startPostgres, type RunningPostgres } from '../support/postgres.js';
import { approvalConfig, askRequest, pendingTicket } from './helpers.js';
import { ticketStoreContract } from './store-contract.js';

let server: RunningPostgres;
let databases = 0;
const opened: PostgresStore[] = [];

/** A fresh database on the shared server, so each test starts with no tickets. */
async function freshDatabase(): Promise<string> {
  return createDatabase(server, `t${++databases}`);
}

function open(url: string, options: Parameters<typeof openPostgresStore>[0]['tickets'] = {}): PostgresStore {
  const store = openPostgresStore({ url, tickets: options, backoffMs: { min: 50, max: 200 } });
  opened.push(store);
  return store;
}

describeWithPostgres('PostgreSQL ticket store', () => {
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  ticketStoreContract('postgres store', async (options) => open(await freshDatabase(), options?.clock ? { clock: options.clock } : {}).tickets);

  test('an answer through replica B wakes the call waiting on replica A (LISTEN/NOTIFY)', async () => {
    const url = await freshDatabase();
    // A poll far slower than the bound asserted below: only the NOTIFY can wake A in time.
    const a = open(url, { pollMs: 30_000 });
    const b = open(url, { pollMs: 30_000 });
    const approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store: a.tickets });
    const latencies: number[] = [];
    for (let round = 0; round < 5; round++) {
      const asked = approver.request(askRequest({ arguments: { round } }), {});
      const ticket = await pendingTicket(b.tickets);
      // A's LISTEN connection is opened when it starts waiting; give it time to be up.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const answered = performance.now();
      const result = await b.tickets.decide(ticket.id, { state: 'approved', channel: 'console', by: 'bob' });
      expect(result.ok).toBe(true);
      const outcome = await asked;
      latencies.push(performance.now() - answered);
      expect(outcome).toMatchObject({ approved: true, channel: 'console', by: 'bob', ticketId: ticket.id });
    }
    latencies.sort((x, y) => x - y);
    console.log(`approval wake-up across replicas: median ${latencies[2]!.toFixed(1)} ms, max ${latencies[4]!.toFixed(1)} ms (5 rounds)`);
    // A generous bound on a shared machine; the poll alone would take 30 s.
    expect(latencies[4]).toBeLessThan(1_000);
    await approver.close();
  });

  test('three replicas answering the same tickets at once: exactly one wins each', async () => {
    const url = await freshDatabase();
    const replicas = [open(url), open(url), open(url)];
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const ticket = createTicket(askRequest({ arguments: { n: i } }), { now: Date.now(), timeoutMs: 60_000 });
      await replicas[0]!.tickets.create(ticket);
      ids.push(ticket.id);
    }
    const answers = ['approved', 'denied', 'approved'] as const;
    for (const id of ids) {
      const results = await Promise.all(replicas.map((r, i) => r.tickets.decide(id, { state: answers[i]!, channel: 'console', by: `replica-${i}` })));
      const winners = results.filter((r) => r.ok);
      expect(winners, id).toHaveLength(1);
      for (const loser of results.filter((r) => !r.ok)) expect(loser).toMatchObject({ problem: 'decided' });
      const winner = winners[0]!;
      expect(await replicas[1]!.tickets.get(id)).toMatchObject({ state: winner.ok && winner.ticket.state, answeredBy: winner.ok && winner.ticket.answeredBy });
    }
  });

  test('two replicas starting at once on an empty database both migrate without error', async () => {
    const url = await freshDatabase();
    const [a, b] = [open(url), open(url)];
    await Promise.all([a.connection.ensureSchema(), b.connection.ensureSchema()]);
    const client = new pg.Client(url);
    await client.connect();
    const versions = await client.query<{ version: number }>('SELECT version FROM warden_schema_version');
    await client.end();
    expect(versions.rows.map((r) => r.version).sort()).toEqual([1, 2, 3, 4]);
    // A third start later changes nothing.
    await open(url).connection.ensureSchema();
  });

  test('every replica gets the same console token', async () => {
    const url = await freshDatabase();
    const tokens = await Promise.all([open(url), open(url), open(url)].map((s) => s.consoleToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('a ticket of a replica that is gone is never approved, and is listed as withdrawn', async () => {
    const url = await freshDatabase();
    const a = open(url);
    const b = open(url);
    const ticket = createTicket(askRequest(), { now: Date.now(), timeoutMs: 60_000 });
    await a.tickets.create(ticket);
    // Replica A stops (its lease row goes); nobody waits for the call any more.
    await a.close();
    expect(await b.tickets.decide(ticket.id, { state: 'approved', channel: 'console', by: 'bob' })).toMatchObject({ ok: false, problem: 'orphaned' });
    const [listed] = await b.tickets.list();
    expect(listed).toMatchObject({ id: ticket.id, state: 'withdrawn', channel: 'orphaned', decisionReason: 'The gateway that asked is no longer running' });
  });

  test('a replica whose heartbeat stopped past the lease is gone too', async () => {
    const url = await freshDatabase();
    const a = open(url, { leaseMs: 300 });
    const b = open(url, { leaseMs: 300 });
    const ticket = createTicket(askRequest(), { now: Date.now(), timeoutMs: 60_000 });
    await a.tickets.create(ticket);
    expect(await b.tickets.get(ticket.id)).toMatchObject({ state: 'pending' });
    // As if A were killed: its row stays, its heartbeat (every 5 s) does not come within the 300 ms lease.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await b.tickets.decide(ticket.id, { state: 'approved', channel: 'cli' })).toMatchObject({ ok: false, problem: 'orphaned' });
  });
});

describeWithPostgres('PostgreSQL store outage', () => {
  let outage: RunningPostgres;
  beforeAll(async () => {
    outage = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await outage?.close();
  });

  test('database stopped: asks are denied with the reason, not ready, no crash; back again: works', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const store = openPostgresStore({ url: outage.url, backoffMs: { min: 50, max: 200 } });
    const audit = store.auditSink();
    try {
      const approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store: store.tickets });
      expect(await store.storeReady()).toEqual({ ok: true, detail: 'PostgreSQL store reachable' });
      // A waiting call holds the LISTEN connection, which the stop will cut.
      const controller = new AbortController();
      const waiting = approver.request(askRequest({ arguments: { before: true } }), { signal: controller.signal });
      await pendingTicket(store.tickets);

      await outage.stop();
      const ready = await store.storeReady();
      expect(ready.ok).toBe(false);
      expect(ready.detail).toMatch(/^PostgreSQL store unreachable: /);
      const denied = await approver.request(askRequest({ arguments: { during: true } }), {});
      expect(denied.approved).toBe(false);
      expect(denied.reason).toMatch(/^Approval needed but the approval ticket could not be saved \(approval store unreachable: .+\); denied$/);
      // audit.required: the sink refuses to admit a call and reports a record it could not store.
      await expect(audit.admit!()).rejects.toThrow(/^audit store unreachable: /);
      const failure = await audit.write(auditRecord('during'));
      expect(failure?.message).toMatch(/^audit store unreachable: /);
      // The call that waited through the outage still ends, by its agent's cancel.
      controller.abort();
      expect(await waiting).toMatchObject({ approved: false });

      await outage.start();
      // Reconnects by itself (after its backoff pause).
      let back = await store.storeReady();
      for (let i = 0; i < 50 && !back.ok; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        back = await store.storeReady();
      }
      expect(back).toEqual({ ok: true, detail: 'PostgreSQL store reachable' });
      const asked = approver.request(askRequest({ arguments: { after: true } }), {});
      const ticket = await pendingTicket(store.tickets, (t) => (t.arguments as { after?: boolean }).after === true);
      await store.tickets.decide(ticket.id, { state: 'approved', channel: 'cli', by: 'ops' });
      expect(await asked).toMatchObject({ approved: true, by: 'ops' });
      expect(await audit.write(auditRecord('after'))).toBeUndefined();
      await audit.admit!();
      await approver.close();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await audit.close();
      await store.close();
    }
  }, 60_000);
});

function auditRecord(tag: string) {
  return {
    time: new Date().toISOString(),
    decision_id: `id-${tag}`,
    event: 'call' as const,
    agent: 'claude-code',
    environment: 'prod',
    session: 's1',
    tool: 'fs/read_file',
    args_sha256: '0'.repeat(64),
    args: { tag },
    decision: 'allow' as const,
    reasons: [],
    outcome: 'ok' as const,
    duration_ms: 1,
  };
}
