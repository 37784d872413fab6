// `mcp-warden approvals list | approve | deny` against a file store shared with a gateway's pending
// request, as a person would run them from another terminal.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  MemoryTicketStore,
  approveTicket,
  createApprover,
  denyTicket,
  listApprovals,
  openFileTicketStore,
  writeConsoleAddress,
  type Approver,
  type FileTicketStore,
} from '../../src/approval/index.js';
import { createTicket } from '../../src/approval/ticket.js';
import { WardenError } from '../../src/errors.js';
import { approvalConfig, askRequest, pendingTicket, tempDir } from './helpers.js';

let stateDir: string;
let cleanup: () => Promise<void>;
let store: FileTicketStore;
let approver: Approver;

beforeEach(async () => {
  ({ dir: stateDir, cleanup } = await tempDir());
  // The gateway's own store instance; the CLI opens another on the same directory, like another process.
  store = await openFileTicketStore({ stateDir });
  approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store });
});
afterEach(async () => {
  await approver.close();
  await store.close();
  await cleanup();
});

test('list shows pending calls in full and recent decisions', async () => {
  expect((await listApprovals({ stateDir })).text).toBe('No call is waiting for approval.');
  await writeConsoleAddress('http://127.0.0.1:8788/approvals', { stateDir });
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  const listing = await listApprovals({ stateDir });
  expect(listing.pending.map((t) => t.id)).toEqual([ticket.id]);
  expect(listing.consoleUrl).toBe('http://127.0.0.1:8788/approvals');
  const text = listing.text.replace(/denied in \S+ without/, 'denied in 1m without');
  expect(text).toBe(
    [
      '1 call waiting for approval (console: http://127.0.0.1:8788/approvals):',
      '',
      `${ticket.id}  fs/write_file  agent "claude-code"  environment "prod"  denied in 1m without an answer`,
      '  why: Calls that write need approval in environment "prod" (safety: standard, gateway.yaml:14:5)',
      `  arguments (exactly as they will be forwarded, sha256 ${ticket.argumentsSha256.slice(0, 12)}…):`,
      '    {',
      '      "path": "notes/todo.md",',
      '      "content": "ship it <b>now</b>"',
      '    }',
      `  mcp-warden approvals approve ${ticket.id} [--remember]  |  mcp-warden approvals deny ${ticket.id} --reason TEXT`,
    ].join('\n'),
  );

  await denyTicket(ticket.id, { reason: 'Not today' }, { stateDir, by: 'alice' });
  await asked;
  const after = await listApprovals({ stateDir });
  expect(after.pending).toEqual([]);
  expect(after.text).toContain('Recent decisions:');
  expect(after.text).toContain(`${ticket.id}  fs/write_file  agent "claude-code"  denied via cli by "alice" (Not today)`);
});

test('approve answers the waiting gateway; a unique prefix of the id is enough', async () => {
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  const result = await approveTicket(ticket.id.slice(0, 6), { stateDir, by: 'alice', remember: true });
  expect(result.text).toBe(`Ticket ${ticket.id} (fs/write_file, agent "claude-code") approved via cli by "alice".`);
  expect(await asked).toMatchObject({ approved: true, channel: 'cli', by: 'alice', remember: true, ticketId: ticket.id });
});

test('deny answers the waiting gateway with the reason', async () => {
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  await denyTicket(ticket.id, { reason: 'Use the staging bucket' }, { dir: join(stateDir, 'approvals'), by: 'bob' });
  expect(await asked).toMatchObject({ approved: false, channel: 'cli', by: 'bob', reason: 'Denied by bob via cli: Use the staging bucket' });
});

test('unknown ids and answers to decided tickets are refused with clear messages', async () => {
  await expect(approveTicket('aaaaaaaaaaaaaaaaaaaaaaaaaa', { stateDir })).rejects.toThrow(
    new WardenError('BAD_INPUT', 'No approval ticket "aaaaaaaaaaaaaaaaaaaaaaaaaa": it does not exist or was removed from the history; run "mcp-warden approvals list" to see pending tickets'),
  );
  await expect(denyTicket('../../x', {}, { stateDir })).rejects.toMatchObject({ code: 'BAD_INPUT' });

  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  await approveTicket(ticket.id, { stateDir, by: 'alice' });
  await asked;
  const replay = denyTicket(ticket.id, { reason: 'too late' }, { stateDir, by: 'bob' });
  await expect(replay).rejects.toMatchObject({ code: 'BAD_INPUT', message: `Ticket "${ticket.id}" was already decided: approved via cli by "alice"` });
  await expect(approveTicket(ticket.id, { stateDir })).rejects.toThrow('was already decided');
});

test('an ambiguous or too short prefix is refused', async () => {
  const memory = new MemoryTicketStore();
  for (const id of ['abcdaaaaaaaaaaaaaaaaaaaaaa', 'abcdbbbbbbbbbbbbbbbbbbbbbb']) {
    await memory.create({ ...createTicket(askRequest(), { now: Date.now(), timeoutMs: 60_000 }), id });
  }
  await expect(approveTicket('abcd', { store: memory })).rejects.toThrow(
    new WardenError('BAD_INPUT', 'Ticket id "abcd" is ambiguous: it starts 2 tickets; give more characters'),
  );
  await expect(approveTicket('abc', { store: memory })).rejects.toThrow('No approval ticket "abc"');
  expect((await approveTicket('abcdb', { store: memory, by: 'alice' })).ticket).toMatchObject({ id: 'abcdbbbbbbbbbbbbbbbbbbbbbb', state: 'approved' });
});

test('approve --trust: the waiting gateway gets trust for a ticket with a definition; on any other ticket it has no effect and says so', async () => {
  const definition = { pin: { state: 'changed' as const, fields: ['description'], diff: '-description: a\n+description: b', digest: 'sha256:b' } };
  const asked = approver.request({ ...askRequest(), definition }, {});
  const ticket = await pendingTicket(store);
  const listed = (await listApprovals({ stateDir })).text;
  expect(listed).toContain(['  definition changed since it was pinned (description):', '    -description: a', '    +description: b'].join('\n'));
  expect(listed).toContain(`mcp-warden approvals approve ${ticket.id} [--remember] [--trust]`);
  const result = await approveTicket(ticket.id, { stateDir, by: 'alice', trust: true });
  expect(result.text).toBe(
    `Ticket ${ticket.id} (fs/write_file, agent "claude-code") approved via cli by "alice".\nIts definition is trusted from now on in every session; run "mcp-warden pin" to write it to the lockfile.`,
  );
  expect(await asked).toMatchObject({ approved: true, trust: true });

  const plain = approver.request(askRequest(), {});
  const other = await pendingTicket(store);
  const answered = await approveTicket(other.id, { stateDir, by: 'alice', trust: true });
  expect(answered.text).toContain("--trust had no effect: this call's tool definition did not change and was not flagged.");
  expect(await plain).toMatchObject({ approved: true });
});
