// `mcp-warden approvals list | approve | deny` against a running stdio gateway: the CLI is a separate
// process that answers through the shared approvals directory, and the waiting agent's call completes
// or is denied with the reason. Answers to decided or unknown tickets are errors with exit code 1.
import { userInfo } from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pendingFor, connectStdio, readTickets, runWarden, sourceIn, textOf, waitForTicket, writeConfig, type StdioConnection } from './harness.js';
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
environments:
  staging: { safety: full }
approval: { channels: [console], timeout: 60s }
`;
const ASK_SOURCE = sourceIn(CONFIG, 'ask:', '"echo/write_note"');
const USER = userInfo().username;

let config: { dir: string; file: string };
let agent: StdioConnection;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  agent = await connectStdio(config, 'dev');
});
afterAll(async () => {
  await agent?.close();
});


test('list shows the pending call in full; approve ID lets it complete; answering again is "already decided"', async () => {
  const args = { path: 'notes/plan.md', text: 'step one\nstep "two"' };
  const call = agent.client.callTool({ name: 'echo_write_note', arguments: args });
  const ticket = await waitForTicket(config.dir, pendingFor('notes/plan.md'));

  const list = await runWarden(config.dir, ['approvals', 'list']);
  expect(list.code).toBe(0);
  expect(list.stderr).toBe('');
  const lines = list.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^1 call waiting for approval \(console: http:\/\/127\.0\.0\.1:\d+\/approvals\):$/);
  expect(lines[1]).toBe('');
  expect(lines[2]).toMatch(new RegExp(`^${ticket.id}  echo/write_note  agent "dev"  environment "staging"  denied in (1m|\\d+s) without an answer$`));
  expect(lines.slice(3)).toEqual([
    `  why: "echo/write_note" matches the ask rule "echo/write_note", so a person must approve it (ask: "echo/write_note", ${ASK_SOURCE})`,
    `  arguments (exactly as they will be forwarded, sha256 ${ticket.argumentsSha256.slice(0, 12)}…):`,
    '    {',
    '      "path": "notes/plan.md",',
    '      "text": "step one\\nstep \\"two\\""',
    '    }',
    `  mcp-warden approvals approve ${ticket.id} [--remember]  |  mcp-warden approvals deny ${ticket.id} --reason TEXT`,
  ]);

  const json = await runWarden(config.dir, ['approvals', 'list', '--json']);
  expect((JSON.parse(json.stdout) as { pending: unknown[] }).pending).toMatchObject([{ id: ticket.id, agent: 'dev', environment: 'staging', server: 'echo', tool: 'write_note', arguments: args, state: 'pending' }]);

  const approve = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(approve).toEqual({ code: 0, stdout: `Ticket ${ticket.id} (echo/write_note, agent "dev") approved via cli by "${USER}".\n`, stderr: '' });

  const result = await call;
  expect(result.isError).toBeFalsy();
  expect(textOf(result)).toBe(`would write ${args.text.length} characters to notes/plan.md`);

  const again = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(again).toEqual({ code: 1, stdout: '', stderr: `mcp-warden: Ticket "${ticket.id}" was already decided: approved via cli by "${USER}"\n` });
  const denyAfter = await runWarden(config.dir, ['approvals', 'deny', ticket.id, '--reason', 'too late']);
  expect(denyAfter.code).toBe(1);
  expect(denyAfter.stderr).toBe(`mcp-warden: Ticket "${ticket.id}" was already decided: approved via cli by "${USER}"\n`);
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)).toMatchObject({ state: 'approved', answer: { channel: 'cli', by: USER } });
});

test('deny ID --reason sends the reason to the agent; the call never reaches the upstream', async () => {
  const stats = async () => JSON.parse(textOf(await agent.client.callTool({ name: 'echo_stats', arguments: {} }))) as { calls: number };
  const before = (await stats()).calls;
  const call = agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'prod.env', text: 'SECRET=1' } });
  const ticket = await waitForTicket(config.dir, pendingFor('prod.env'));

  const deny = await runWarden(config.dir, ['approvals', 'deny', ticket.id, '--reason', 'no']);
  expect(deny).toEqual({ code: 0, stdout: `Ticket ${ticket.id} (echo/write_note, agent "dev") denied via cli by "${USER}" (no).\n`, stderr: '' });

  const result = await call;
  expect(result.isError).toBe(true);
  expect(textOf(result)).toBe(
    [
      'mcp-warden denied the call to "echo/write_note".',
      `- "echo/write_note" matches the ask rule "echo/write_note", so a person must approve it [name: ask: "echo/write_note" at ${ASK_SOURCE}]`,
      `Approval was not given: Denied by ${USER} via cli: no`,
      NEXT_STEP,
    ].join('\n'),
  );
  expect((await stats()).calls).toBe(before);

  const again = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(again).toEqual({ code: 1, stdout: '', stderr: `mcp-warden: Ticket "${ticket.id}" was already decided: denied via cli by "${USER}" (no)\n` });

  const list = await runWarden(config.dir, ['approvals', 'list']);
  // Decided tickets leave the pending list for the history.
  expect(list.stdout).not.toContain(`approvals approve ${ticket.id}`);
  expect(list.stdout).toContain('\nRecent decisions:\n');
  expect(list.stdout).toMatch(new RegExp(`  \\S+Z  ${ticket.id}  echo/write_note  agent "dev"  denied via cli by "${USER}" \\(no\\)\n`));
});

test('a unique prefix of the id (4+ characters) answers the ticket', async () => {
  const call = agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'p.txt', text: 'prefix' } });
  const ticket = await waitForTicket(config.dir, pendingFor('p.txt'));
  const approve = await runWarden(config.dir, ['approvals', 'approve', ticket.id.slice(0, 8).toUpperCase()]);
  expect(approve.code).toBe(0);
  expect(approve.stdout).toBe(`Ticket ${ticket.id} (echo/write_note, agent "dev") approved via cli by "${USER}".\n`);
  expect(textOf(await call)).toBe('would write 6 characters to p.txt');
});

test('an unknown, malformed or missing id is a clear error with exit code 1, and nothing is approved', async () => {
  const approved = () => readTickets(config.dir).filter((t) => t.state === 'approved').length;
  const approvedBefore = approved();
  const unknown = 'abcdefghijklmnopqrstuvwxyz';
  expect(await runWarden(config.dir, ['approvals', 'approve', unknown])).toEqual({
    code: 1,
    stdout: '',
    stderr: `mcp-warden: No approval ticket "${unknown}": it does not exist or was removed from the history; run "mcp-warden approvals list" to see pending tickets\n`,
  });
  const malformed = await runWarden(config.dir, ['approvals', 'deny', '../../etc/passwd', '--reason', 'x']);
  expect(malformed.code).toBe(1);
  expect(malformed.stderr).toBe(
    'mcp-warden: No approval ticket "../../etc/passwd": it does not exist or was removed from the history; run "mcp-warden approvals list" to see pending tickets\n',
  );
  expect(await runWarden(config.dir, ['approvals', 'approve'])).toEqual({ code: 1, stdout: '', stderr: 'mcp-warden: Missing the ticket id; see "mcp-warden approvals list"\n' });
  expect(approved()).toBe(approvedBefore);
});
