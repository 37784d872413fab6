// An approval is bound to one call, end to end: a ticket approves exactly that call once; "remember for
// this session" covers only the same agent, session, tool and argument digest. Answers come from the
// CLI, a separate process, through the shared approvals directory.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readAudit, connectStdio, eventually, readTickets, runWarden, textOf, waitForTicket, writeConfig, type StdioConnection, type StoredTicket, type AuditLine } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo, stats]
agents:
  dev:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
approval: { channels: [console], timeout: 60s }
`;

let config: { dir: string; file: string };
let agent: StdioConnection;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  agent = await connectStdio(config, 'dev');
});
afterAll(async () => {
  await agent?.close();
});

function ticketsFor(path: string): StoredTicket[] {
  return readTickets(config.dir).filter((ticket) => ticket.arguments.path === path);
}

/** Waits for a pending ticket for `path` other than those in `seen`. */
function newPending(path: string, seen: StoredTicket[] = []): Promise<StoredTicket> {
  return waitForTicket(config.dir, (t) => t.state === 'pending' && t.arguments.path === path && !seen.some((old) => old.id === t.id));
}

function canonicalSha256(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]))
    : v;
  return createHash('sha256').update(JSON.stringify(sort(value))).digest('hex');
}

async function answer(action: 'approve' | 'deny', id: string, ...extra: string[]): Promise<void> {
  const result = await runWarden(config.dir, ['approvals', action, id, ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

test('approving ticket A lets exactly that call through once: the identical call made again asks again with a new ticket', async () => {
  const args = { path: 'once.txt', text: 'one time' };
  const first = agent.client.callTool({ name: 'echo_write_note', arguments: args });
  const a = await newPending('once.txt');
  expect(a.argumentsSha256).toBe(canonicalSha256(args));
  await answer('approve', a.id);
  expect(textOf(await first)).toBe('would write 8 characters to once.txt');

  const second = agent.client.callTool({ name: 'echo_write_note', arguments: args });
  const b = await newPending('once.txt', [a]);
  expect(b.id).not.toBe(a.id);
  expect(b.argumentsSha256).toBe(a.argumentsSha256);
  await answer('deny', b.id, '--reason', 'only once');
  const denied = await second;
  expect(denied.isError).toBe(true);
  expect(textOf(denied)).toMatch(/\nApproval was not given: Denied by \S+ via cli: only once$/m);
  expect(ticketsFor('once.txt').map((t) => t.state)).toEqual(['approved', 'denied']);
});

test('"remember for this session" passes the same tool with identical arguments without a ticket; other arguments ask again', async () => {
  const args = { path: 'remember.txt', text: 'same again', options: { mode: 'append', tags: ['a', 'b'] } };
  const first = agent.client.callTool({ name: 'echo_write_note', arguments: args });
  const ticket = await newPending('remember.txt');
  await answer('approve', ticket.id, '--remember');
  expect(textOf(await first)).toBe('would write 10 characters to remember.txt');
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)).toMatchObject({ state: 'approved', answer: { channel: 'cli', remember: true } });

  // Identical arguments: through at once, no new ticket. Key order is not part of the arguments' identity.
  const again = await agent.client.callTool({ name: 'echo_write_note', arguments: args });
  expect(again.isError).toBeFalsy();
  expect(textOf(again)).toBe('would write 10 characters to remember.txt');
  const reordered = await agent.client.callTool({ name: 'echo_write_note', arguments: { options: { tags: ['a', 'b'], mode: 'append' }, text: 'same again', path: 'remember.txt' } });
  expect(textOf(reordered)).toBe('would write 10 characters to remember.txt');
  expect(ticketsFor('remember.txt').map((t) => t.id)).toEqual([ticket.id]);

  // The audit log says the later calls passed on the remembered approval of that ticket.
  await eventually(() => auditLines().filter((line) => line.event === 'call' && line.approval?.channel === 'remembered').length >= 2);
  expect(auditLines().filter((line) => line.event === 'call' && line.approval?.channel === 'remembered').map((line) => [line.outcome, line.approval!.ticket])).toEqual([
    ['ok', ticket.id],
    ['ok', ticket.id],
  ]);

  // Any difference in the arguments, however small, is another call: it asks again.
  const changed = agent.client.callTool({ name: 'echo_write_note', arguments: { ...args, options: { mode: 'append', tags: ['a', 'b', 'c'] } } });
  const other = await newPending('remember.txt', [ticket]);
  expect(other.argumentsSha256).not.toBe(ticket.argumentsSha256);
  await answer('deny', other.id, '--reason', 'different arguments');
  expect(textOf(await changed)).toMatch(/\nApproval was not given: Denied by \S+ via cli: different arguments$/m);
});

test('a remembered approval ends with its session: the same agent in another session is asked again', async () => {
  const args = { path: 'session.txt', text: 'per session' };
  const first = agent.client.callTool({ name: 'echo_write_note', arguments: args });
  const ticket = await newPending('session.txt');
  await answer('approve', ticket.id, '--remember');
  expect(textOf(await first)).toBe('would write 11 characters to session.txt');

  const other = await connectStdio(config, 'dev');
  try {
    const call = other.client.callTool({ name: 'echo_write_note', arguments: args });
    const asked = await newPending('session.txt', [ticket]);
    expect(asked.session).not.toBe(ticket.session);
    expect(asked.argumentsSha256).toBe(ticket.argumentsSha256);
    await answer('deny', asked.id, '--reason', 'new session');
    expect(textOf(await call)).toMatch(/\nApproval was not given: Denied by \S+ via cli: new session$/m);
  } finally {
    await other.close();
  }
  // The first session still remembers.
  expect(textOf(await agent.client.callTool({ name: 'echo_write_note', arguments: args }))).toBe('would write 11 characters to session.txt');
});

function auditLines(): AuditLine[] {
  return readAudit(config.dir);
}
