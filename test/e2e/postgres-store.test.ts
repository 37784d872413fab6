// Two real gateway processes (`serve --http`) on one real PostgreSQL (store: postgres): an ask made
// on replica A is approved by the CLI reading the same config's store; each call leaves exactly one
// audit row; both replicas serve the same console token. Then the database stops: asks are denied
// with the reason, audited calls are refused and never forwarded, nothing crashes; it comes back and
// calls go through again.
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createDatabase, describeWithPostgres, startPostgres, type RunningPostgres } from '../support/postgres.js';
import { connectHttp, consoleLoginUrl, eventually, runWarden, startHttpGateway, textOf, writeConfig, type HttpGateway } from './harness.js';

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
    token: token-dev
environments:
  staging: { safety: full }
approval: { channels: [console], timeout: 60s }
store: { kind: postgres, url: "\${DATABASE_URL}" }
`;

let server: RunningPostgres;
let url: string;
let config: { dir: string; file: string };
const gateways: HttpGateway[] = [];
const clients: Client[] = [];

async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function pendingTicket(predicate: (args: Record<string, unknown>) => boolean): Promise<{ id: string }> {
  let found: { id: string } | undefined;
  await eventually(async () => {
    const rows = await query<{ id: string; ticket: { arguments: Record<string, unknown> } }>(`SELECT id, ticket FROM warden_tickets WHERE state = 'pending'`);
    found = rows.find((row) => predicate(row.ticket.arguments));
    return found !== undefined;
  }, 15_000);
  return found!;
}

describeWithPostgres('store: postgres end to end', () => {
  beforeAll(async () => {
    server = await startPostgres();
    url = await createDatabase(server, 'warden_e2e');
    config = writeConfig(CONFIG);
    for (let i = 0; i < 2; i++) gateways.push(await startHttpGateway(config, { env: { DATABASE_URL: url } }));
    for (const gateway of gateways) clients.push(await connectHttp(gateway.url, 'token-dev'));
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => {});
    for (const gateway of gateways) await gateway.stop();
    await server?.close();
  });

  test('an ask on replica A is approved by the CLI through the store; one audit row per call; one console token', async () => {
    const [a, b] = clients as [Client, Client];
    expect(textOf(await a.callTool({ name: 'echo_echo', arguments: { text: 'from A' } }))).toContain('from A');
    expect(textOf(await b.callTool({ name: 'echo_echo', arguments: { text: 'from B' } }))).toContain('from B');

    const call = a.callTool({ name: 'echo_write_note', arguments: { path: 'notes/pg.md', text: 'hello' } });
    const ticket = await pendingTicket((args) => args.path === 'notes/pg.md');
    const list = await runWarden(config.dir, ['approvals', 'list', '--config', config.file], { env: { DATABASE_URL: url } });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${ticket.id}  echo/write_note  agent "dev"  environment "staging"`);
    const approve = await runWarden(config.dir, ['approvals', 'approve', ticket.id, '--config', config.file], { env: { DATABASE_URL: url } });
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toMatch(new RegExp(`^Ticket ${ticket.id} \\(echo/write_note, agent "dev"\\) approved via cli by ".+"\\.\\n$`));
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('would write 5 characters to notes/pg.md');

    // Exactly one call record per call, written by the replica that served it, before the answer left.
    const rows = await query<{ tool: string; decision: string; outcome: string; replica: string; record: { approval?: { ticket: string; channel: string } } }>(
      `SELECT tool, decision, outcome, replica, record FROM warden_audit WHERE event = 'call' ORDER BY id`,
    );
    expect(rows.map((r) => [r.tool, r.decision, r.outcome])).toEqual([
      ['echo/echo', 'allow', 'ok'],
      ['echo/echo', 'allow', 'ok'],
      ['echo/write_note', 'ask', 'ok'],
    ]);
    expect(new Set(rows.slice(0, 2).map((r) => r.replica)).size).toBe(2);
    expect(rows[2]!.record.approval).toMatchObject({ ticket: ticket.id, channel: 'cli' });
    // With store: postgres and no audit.path, the table is the audit log: no JSONL file is written.
    expect(gateways.every((g) => !g.stderr().includes('audit write failed'))).toBe(true);

    const tokens = await Promise.all(gateways.map(async (g) => new URL(await consoleLoginUrl(g.stderr)).searchParams.get('token')));
    expect(tokens[0]).toBeTruthy();
    expect(tokens[1]).toBe(tokens[0]);
  }, 60_000);

  test('database stopped: ask denied with the reason, audited call refused and not forwarded, no crash; back: works', async () => {
    const [a] = clients as [Client, Client];
    const stats = async () => JSON.parse(textOf(await a.callTool({ name: 'echo_stats', arguments: {} }))) as { calls: number };
    const before = (await stats()).calls;

    await server.stop();
    const ask = await a.callTool({ name: 'echo_write_note', arguments: { path: 'notes/down.md', text: 'x' } });
    expect(ask.isError).toBe(true);
    expect(textOf(ask)).toMatch(/Approval was not given: Approval needed but the approval ticket could not be saved \(approval store unreachable: .+\); denied/);

    const refused = await a.callTool({ name: 'echo_echo', arguments: { text: 'during the outage' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^Call to "echo\/echo" refused: its audit record cannot be stored \(audit store unreachable: .+\); audit\.required is on, so the call was not forwarded$/);
    for (const gateway of gateways) expect(gateway.child.exitCode).toBeNull();

    await server.start();
    // The gateway reconnects by itself; the first calls after the restart may still meet its backoff pause.
    let back: Awaited<ReturnType<Client['callTool']>> | undefined;
    await eventually(async () => {
      back = await a.callTool({ name: 'echo_echo', arguments: { text: 'after the outage' } });
      return !back.isError;
    }, 20_000);
    expect(textOf(back)).toContain('after the outage');
    // Neither refused call reached the upstream: only the one after the outage did (stats counts no stats calls).
    expect((await stats()).calls).toBe(before + 1);
    for (const gateway of gateways) expect(gateway.child.exitCode).toBeNull();
  }, 90_000);
});
