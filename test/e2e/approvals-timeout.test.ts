// An ask nobody answers is denied after approval.timeout, end to end: the agent gets the reason, the
// audit log records the ask and the expiry, and an answer that comes later is refused.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readAudit, connectStdio, eventually, readTickets, runWarden, sourceIn, textOf, writeConfig, type StdioConnection } from './harness.js';
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
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
approval: { channels: [console], timeout: 1s }
`;
const ASK_SOURCE = sourceIn(CONFIG, 'ask:', '"echo/write_note"');

interface AuditLine {
  decision_id: string;
  event: 'call' | 'approval';
  tool: string;
  decision: string;
  outcome: string;
  session: string;
  args_sha256: string;
  approval?: { ticket: string; channel: string; by?: string; waited_ms: number };
}

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
  return readAudit<AuditLine>(config.dir);
}

test('no answer within approval.timeout gives deny with the reason; the audit log records the ask and the expiry', async () => {
  const started = Date.now();
  const result = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'late.txt', text: 'anyone?' } });
  const waited = Date.now() - started;

  expect(result.isError).toBe(true);
  expect(textOf(result)).toBe(
    [
      'mcp-warden denied the call to "echo/write_note".',
      `- "echo/write_note" matches the ask rule "echo/write_note", so a person must approve it [name: ask: "echo/write_note" at ${ASK_SOURCE}]`,
      'Approval was not given: No one answered within 1s; denied',
      NEXT_STEP,
    ].join('\n'),
  );
  expect(waited).toBeGreaterThanOrEqual(900);
  expect(waited).toBeLessThan(15_000);

  const [ticket] = readTickets(config.dir).filter((t) => t.arguments.path === 'late.txt');
  expect(ticket).toMatchObject({ state: 'expired', answer: { channel: 'timeout', reason: 'No one answered within 1s' } });
  expect(ticket!.expiresAt - ticket!.createdAt).toBe(1000);

  // The sink writes in the background: wait for the call's own record, which comes last.
  await eventually(() => auditLines().some((line) => line.event === 'call' && line.approval?.ticket === ticket!.id));
  const approvalEvents = auditLines().filter((line) => line.event === 'approval' && line.decision_id === ticket!.id);
  expect(approvalEvents.map((line) => [line.outcome, line.decision])).toEqual([
    ['asked', 'ask'],
    ['expired', 'deny'],
  ]);
  expect(approvalEvents[0]).toMatchObject({ tool: 'echo/write_note', args_sha256: ticket!.argumentsSha256, session: ticket!.session });
  expect(approvalEvents[0]!.approval).toBeUndefined();
  expect(approvalEvents[1]!.approval).toMatchObject({ ticket: ticket!.id, channel: 'timeout' });
  expect(approvalEvents[1]!.approval!.waited_ms).toBeGreaterThanOrEqual(900);
  const call = auditLines().find((line) => line.event === 'call' && line.approval?.ticket === ticket!.id);
  expect(call).toMatchObject({ tool: 'echo/write_note', decision: 'deny', outcome: 'denied', approval: { channel: 'timeout' } });
});

test('an answer after the timeout is refused: the ticket stays expired and nothing reaches the upstream', async () => {
  const result = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'later.txt', text: 'still nobody' } });
  expect(textOf(result)).toContain('Approval was not given: No one answered within 1s; denied');
  const [ticket] = readTickets(config.dir).filter((t) => t.arguments.path === 'later.txt');

  const late = await runWarden(config.dir, ['approvals', 'approve', ticket!.id]);
  expect(late).toEqual({ code: 1, stdout: '', stderr: `mcp-warden: Ticket "${ticket!.id}" was already decided: expired via timeout (No one answered within 1s)\n` });
  expect(readTickets(config.dir).find((t) => t.id === ticket!.id)!.state).toBe('expired');
  const stats = JSON.parse(textOf(await agent.client.callTool({ name: 'echo_stats', arguments: {} }))) as { calls: number };
  expect(stats.calls).toBe(0);
});
