// Which channels reach a person, end to end: approval.channels per environment and per agent (the
// agent's wins over the environment's, which wins over the global list), so prod can keep asks away
// from a client that approves its own prompts; the audit naming the client that answered a prompt;
// and the cap on one agent's pending tickets.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { connectStdio, eventually, readAudit, readTickets, runWarden, textOf, waitForTicket, writeConfig, type StdioConnection } from './harness.js';
import { NEXT_STEP } from '../../src/gateway/denial.js';

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
  remote:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
    approval: { channels: [console] }
  local:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
    approval: { channels: [elicitation] }
environments:
  dev: { safety: full, audit: true }
  prod: { safety: full, audit: true, approval: { channels: [console] } }
audit: { path: "{{dir}}/audit.jsonl" }
approval: { channels: [elicitation, console], timeout: 60s, max_pending_per_agent: 3 }
`;

let config: { dir: string; file: string };
const open: StdioConnection[] = [];

beforeAll(() => {
  config = writeConfig(CONFIG);
});
afterAll(async () => {
  for (const connection of open) await connection.close();
});

/** A client that approves every prompt it gets without asking anyone: what elicitation cannot tell apart. */
async function autoApprover(agent: string, env: string, prompts: string[]): Promise<StdioConnection> {
  const connection = await connectStdio(config, agent, {
    args: ['--env', env],
    capabilities: { elicitation: {} },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        prompts.push(request.params.message);
        return { action: 'accept', content: { decision: 'approve' } };
      }),
  });
  open.push(connection);
  return connection;
}

test('in an environment whose channels leave out elicitation, an auto-accepting client gets no prompt: the call waits for the console or CLI', async () => {
  const prompts: string[] = [];
  const agent = await autoApprover('dev', 'prod', prompts);
  const call = agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'prod.txt', text: 'x' } });
  const ticket = await waitForTicket(config.dir, (t) => t.state === 'pending' && t.arguments.path === 'prod.txt');
  expect(ticket).toMatchObject({ agent: 'dev', environment: 'prod' });

  const cli = await runWarden(config.dir, ['approvals', 'deny', ticket.id, '--reason', 'not in prod']);
  expect(cli.code).toBe(0);
  const result = await call;
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/\nApproval was not given: Denied by "?[^\n]*via cli: not in prod$/m);
  expect(prompts).toEqual([]);
});

test("an agent's channels win over the environment's: [console] in dev gets no prompt, [elicitation] in prod does", async () => {
  const remotePrompts: string[] = [];
  const remote = await autoApprover('remote', 'dev', remotePrompts);
  const waiting = remote.client.callTool({ name: 'echo_write_note', arguments: { path: 'remote.txt', text: 'x' } });
  const ticket = await waitForTicket(config.dir, (t) => t.state === 'pending' && t.arguments.path === 'remote.txt');
  expect((await runWarden(config.dir, ['approvals', 'deny', ticket.id])).code).toBe(0);
  expect((await waiting).isError).toBe(true);
  expect(remotePrompts).toEqual([]);

  const localPrompts: string[] = [];
  const local = await autoApprover('local', 'prod', localPrompts);
  const approved = await local.client.callTool({ name: 'echo_write_note', arguments: { path: 'local.txt', text: 'yes' } });
  expect(approved.isError).toBeFalsy();
  expect(textOf(approved)).toBe('would write 3 characters to local.txt');
  expect(localPrompts).toHaveLength(1);
});

test('the audit names the client (name and version from initialize) that answered by elicitation', async () => {
  const prompts: string[] = [];
  const agent = await autoApprover('dev', 'dev', prompts);
  const result = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'client.txt', text: 'ok' } });
  expect(result.isError).toBeFalsy();
  const ticket = readTickets(config.dir).find((t) => t.arguments.path === 'client.txt')!;
  expect(ticket.answer).toMatchObject({ state: 'approved', channel: 'elicitation' });

  await eventually(() => readAudit(config.dir).some((line) => line.event === 'call' && line.approval?.ticket === ticket.id));
  const records = readAudit(config.dir).filter((line) => line.decision_id === ticket.id || line.approval?.ticket === ticket.id);
  const answered = records.find((line) => line.event === 'approval' && line.outcome === 'approved')!;
  expect(answered.approval).toMatchObject({ ticket: ticket.id, channel: 'elicitation', client: { name: 'e2e-client', version: '1.0.0' } });
  const call = records.find((line) => line.event === 'call')!;
  expect(call).toMatchObject({ decision: 'ask', outcome: 'ok', approval: { channel: 'elicitation', client: { name: 'e2e-client', version: '1.0.0' } } });
});

test('one agent may have at most max_pending_per_agent calls waiting; the next is denied at once, with the reason, and audited', async () => {
  const agent = await connectStdio(config, 'dev', { args: ['--env', 'prod'] });
  open.push(agent);
  const paths = ['cap-1.txt', 'cap-2.txt', 'cap-3.txt'];
  const waiting = paths.map((path) => agent.client.callTool({ name: 'echo_write_note', arguments: { path, text: 'x' } }));
  await eventually(() => readTickets(config.dir).filter((t) => t.state === 'pending' && paths.includes(String(t.arguments.path))).length === 3, 15_000);

  const started = Date.now();
  const over = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'cap-4.txt', text: 'x' } });
  expect(Date.now() - started).toBeLessThan(30_000); // far from the 60 s timeout: refused, not left to wait
  expect(over.isError).toBe(true);
  const reason =
    'Approval needed but agent "dev" already has 3 calls waiting for approval, the most approval.max_pending_per_agent allows (3); denied. Wait for those to be answered, or cancel some';
  expect(textOf(over).split('\n').slice(-2)).toEqual([`Approval was not given: ${reason}`, NEXT_STEP]);
  // No ticket for it: nobody is offered a call that was already refused.
  expect(readTickets(config.dir).filter((t) => t.arguments.path === 'cap-4.txt')).toEqual([]);

  await eventually(() => readAudit(config.dir).some((line) => line.event === 'call' && line.args?.path === 'cap-4.txt'));
  const records = readAudit(config.dir).filter((line) => line.args?.path === 'cap-4.txt');
  expect(records.map((line) => [line.event, line.outcome, line.decision])).toEqual([
    ['approval', 'asked', 'ask'],
    ['approval', 'denied', 'deny'],
    ['call', 'denied', 'deny'],
  ]);
  expect(records[1]!.approval).toMatchObject({ channel: 'none', reason });

  // Answering one frees a place for the next ask.
  const first = readTickets(config.dir).find((t) => t.state === 'pending' && t.arguments.path === 'cap-1.txt')!;
  expect((await runWarden(config.dir, ['approvals', 'deny', first.id])).code).toBe(0);
  expect((await waiting[0])!.isError).toBe(true);
  const next = agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'cap-5.txt', text: 'x' } });
  const fifth = await waitForTicket(config.dir, (t) => t.state === 'pending' && t.arguments.path === 'cap-5.txt');
  for (const t of readTickets(config.dir).filter((t) => t.state === 'pending')) await runWarden(config.dir, ['approvals', 'deny', t.id]);
  expect(fifth.agent).toBe('dev');
  expect((await next).isError).toBe(true);
  for (const call of waiting.slice(1)) expect((await call).isError).toBe(true);
});
