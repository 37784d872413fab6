// The approval card through the real console HTTP API: who asked (session, client, working directory),
// the name a person gives recorded as "by", and a typed deny reason reaching the agent and the audit.
import { hostname } from 'node:os';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { MemoryTicketStore, createApprover, startConsole, type Approver, type RunningConsole } from '../../src/approval/index.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { approvalAuditor } from '../../src/cli/approval-audit.js';
import { approvalConfig, askRequest, pendingTicket } from './helpers.js';

const TOKEN = 'console-card-token-0123456789abcdef';
let store: MemoryTicketStore;
let approver: Approver;
let server: RunningConsole;
let audit: AuditRecord[];

beforeEach(async () => {
  store = new MemoryTicketStore();
  audit = [];
  const sink = { write: async (record: AuditRecord) => void audit.push(record), close: async () => {} };
  approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store, events: approvalAuditor(sink) });
  server = await startConsole({ store, token: TOKEN });
});
afterEach(async () => {
  await approver.close();
  await server.close();
});

/** The login cookie the page gets, so answers go the way the page sends them. */
async function pageCookie(): Promise<string> {
  const login = await fetch(`${server.url}?token=${TOKEN}`, { redirect: 'manual' });
  return login.headers.get('set-cookie')!.split(';')[0]!;
}

async function answer(id: string, action: 'approve' | 'deny', body: object): Promise<Response> {
  return fetch(`${server.url}/api/tickets/${id}/${action}`, {
    method: 'POST',
    headers: { cookie: await pageCookie(), 'content-type': 'application/json', origin: new URL(server.url).origin },
    body: JSON.stringify(body),
  });
}

test('a pending ticket says who asked: the session, the client as it named itself and the working directory', async () => {
  const asked = approver.request(askRequest({ workingDir: '/home/dev/project' }), { client: { name: 'claude-code', version: '2.1.3' } });
  const ticket = await pendingTicket(store);
  const listing = (await (await fetch(`${server.url}/api/tickets`, { headers: { cookie: await pageCookie() } })).json()) as { pending: unknown[] };
  expect(listing.pending).toMatchObject([{ id: ticket.id, session: 'session-1', client: { name: 'claude-code', version: '2.1.3' }, workingDir: '/home/dev/project' }]);
  // Where the session lives: the gateway process that waits on the call (a replica with PostgreSQL).
  expect(listing.pending).toMatchObject([{ where: `on host ${hostname()} (pid ${process.pid})` }]);
  expect((await answer(ticket.id, 'approve', {})).status).toBe(200);
  await asked;
});

test('without a client or a working directory the ticket has neither, and the card shows only the session', async () => {
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  expect(ticket.session).toBe('session-1');
  expect(ticket).not.toHaveProperty('client');
  expect(ticket).not.toHaveProperty('workingDir');
  expect((await answer(ticket.id, 'approve', {})).status).toBe(200);
  await asked;
});

test('the name sent with a console answer is recorded as "by": on the ticket, in the outcome and in the audit record', async () => {
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  expect((await answer(ticket.id, 'approve', { by: '  alice  ' })).status).toBe(200);
  expect(await asked).toMatchObject({ approved: true, channel: 'console', by: 'alice', reason: 'Approved by alice via console' });
  expect(await store.get(ticket.id)).toMatchObject({ state: 'approved', answeredBy: 'alice' });
  expect(audit.at(-1)).toMatchObject({ decision_id: ticket.id, outcome: 'approved', approval: { channel: 'console', by: 'alice' } });
});

test("a deny reason typed in the console reaches the agent's denial text and the audit record", async () => {
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  expect((await answer(ticket.id, 'deny', { by: 'bob', reason: ' Not against production data ' })).status).toBe(200);
  const reason = 'Denied by bob via console: Not against production data';
  expect(await asked).toMatchObject({ approved: false, channel: 'console', by: 'bob', reason });
  expect(audit.map((r) => r.outcome)).toEqual(['asked', 'denied']);
  expect(audit[1]).toMatchObject({ decision: 'deny', approval: { channel: 'console', by: 'bob', reason } });
});
