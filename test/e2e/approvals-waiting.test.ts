// A call waiting for a human, end to end: progress keep-alives reach an agent that gave a
// progressToken, the audit log says who answered and how long it took, and an agent that cancels
// (or hangs up) withdraws its ticket so that nobody can approve a call no one waits for.
import { userInfo } from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pendingFor, readAudit, alive, connectStdio, eventually, readTickets, runWarden, textOf, waitForTicket, writeConfig, type StdioConnection, type StoredTicket, type AuditLine } from './harness.js';

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
const USER = userInfo().username;
const CANCELLED = 'The agent cancelled the call while it waited for approval';

let config: { dir: string; file: string };
let agent: StdioConnection;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  agent = await connectStdio(config, 'dev');
});
afterAll(async () => {
  await agent?.close();
});


function auditLines(): AuditLine[] {
  return readAudit(config.dir);
}

async function upstreamStats(): Promise<{ calls: number; cancelled: number }> {
  return JSON.parse(textOf(await agent.client.callTool({ name: 'echo_stats', arguments: {} }))) as { calls: number; cancelled: number };
}

test('while a call waits, progress keep-alives reach the agent every 5 s; the audit log records who approved and how long it took', async () => {
  const progress: Array<{ progress: number; total?: number; message?: string }> = [];
  const call = agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'keepalive.txt', text: 'wait for it' } }, undefined, {
    onprogress: (p) => progress.push(p),
  });
  const ticket = await waitForTicket(config.dir, pendingFor('keepalive.txt'));
  await eventually(() => progress.length >= 1, 15_000);
  expect(progress[0]).toEqual({ progress: 1, message: 'Waiting for a human to approve this call' });

  const approve = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(approve.code).toBe(0);
  const result = await call;
  expect(result.isError).toBeFalsy();
  expect(textOf(result)).toBe('would write 11 characters to keepalive.txt');
  // Increasing, one per tick, all keep-alives (the write_note tool reports no progress of its own).
  expect(progress.map((p) => p.progress)).toEqual(progress.map((_p, i) => i + 1));
  expect(new Set(progress.map((p) => p.message))).toEqual(new Set(['Waiting for a human to approve this call']));

  await eventually(() => auditLines().some((line) => line.event === 'call' && line.approval?.ticket === ticket.id));
  const answered = auditLines().find((line) => line.event === 'approval' && line.decision_id === ticket.id && line.outcome === 'approved')!;
  expect(answered).toMatchObject({ decision: 'allow', tool: 'echo/write_note', approval: { ticket: ticket.id, channel: 'cli', by: USER } });
  expect(answered.approval!.waited_ms).toBeGreaterThanOrEqual(5_000);
  expect(auditLines().find((line) => line.event === 'call' && line.approval?.ticket === ticket.id)).toMatchObject({
    decision: 'ask',
    outcome: 'ok',
    approval: { channel: 'cli', by: USER },
  });
});

test('an agent that aborts a waiting call withdraws its ticket; a later approve of that id fails and nothing is forwarded', async () => {
  const before = await upstreamStats();
  const controller = new AbortController();
  const call = agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'abort.txt', text: 'never mind' } }, undefined, { signal: controller.signal });
  const ticket = await waitForTicket(config.dir, pendingFor('abort.txt'));

  controller.abort(new Error('the user pressed Esc'));
  await expect(call).rejects.toThrow('the user pressed Esc');

  const withdrawn = await waitForTicket(config.dir, (t) => t.id === ticket.id && t.state !== 'pending');
  expect(withdrawn).toMatchObject({ state: 'withdrawn', answer: { channel: 'cancelled', reason: CANCELLED } });

  const list = await runWarden(config.dir, ['approvals', 'list']);
  expect(list.code).toBe(0);
  expect(list.stdout).not.toContain(`approvals approve ${ticket.id}`);
  expect(list.stdout).toContain(`${ticket.id}  echo/write_note  agent "dev"  withdrawn via cancelled (${CANCELLED})`);
  const listed = JSON.parse((await runWarden(config.dir, ['approvals', 'list', '--json'])).stdout) as { pending: StoredTicket[]; history: StoredTicket[] };
  expect(listed.pending.map((t) => t.id)).not.toContain(ticket.id);
  expect(listed.history.find((t) => t.id === ticket.id)).toMatchObject({ state: 'withdrawn', channel: 'cancelled' });

  const approve = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(approve).toEqual({ code: 1, stdout: '', stderr: `mcp-warden: Ticket "${ticket.id}" was already decided: withdrawn via cancelled (${CANCELLED})\n` });
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)!.state).toBe('withdrawn');
  expect((await upstreamStats()).calls).toBe(before.calls); // stats does not count itself

  await eventually(() => auditLines().some((line) => line.event === 'call' && line.approval?.ticket === ticket.id));
  expect(auditLines().filter((line) => line.decision_id === ticket.id).map((line) => line.outcome)).toEqual(['asked', 'cancelled']);
  expect(auditLines().find((line) => line.event === 'call' && line.approval?.ticket === ticket.id)).toMatchObject({ decision: 'deny', outcome: 'cancelled', approval: { channel: 'cancelled' } });
});

test('an agent that hangs up while a call waits: the gateway exits and withdraws the ticket', async () => {
  const leaving = await connectStdio(config, 'dev');
  const call = leaving.client.callTool({ name: 'echo_write_note', arguments: { path: 'hangup.txt', text: 'bye' } }).catch((error: Error) => error);
  const ticket = await waitForTicket(config.dir, pendingFor('hangup.txt'));

  await leaving.close();
  // Either the client is gone before the gateway answers, or the gateway's last word is the denial.
  const ended = await call;
  if (!(ended instanceof Error)) {
    expect(ended.isError).toBe(true);
    expect(textOf(ended)).toMatch(/\nApproval was not given: The gateway shut down while the call waited for approval$/m);
  }
  await eventually(() => !alive(leaving.pid), 15_000);

  const withdrawn = await waitForTicket(config.dir, (t) => t.id === ticket.id && t.state !== 'pending');
  expect(withdrawn).toMatchObject({ state: 'withdrawn', answer: { channel: 'cancelled' } });
  expect(withdrawn.answer!.reason).toMatch(/^(The gateway shut down while the call waited for approval|The agent cancelled the call while it waited for approval)$/);
  const approve = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(approve.code).toBe(1);
  expect(approve.stderr).toContain(`Ticket "${ticket.id}" was already decided: withdrawn via cancelled`);
});
