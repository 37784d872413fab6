// Two gateway replicas behind the shipped HAProxy config, as a team would run them: real
// `serve --http` processes on random ports on one real PostgreSQL (`store: postgres`; where
// PostgreSQL is not installed, the file store of one shared state directory, which works across
// processes on one machine), one shared HTTP upstream, real SDK clients through HAProxy. Each replica
// also writes its own JSONL audit file, which says which replica served a call.
// Checks: a session sticks to one replica; an ask held on one replica is approved through the
// other's console API; both consoles and the CLI answering one ticket at once, exactly one wins; under 50 concurrent sessions every call has exactly one audit record; the
// metrics of both replicas add up to the calls made; a replica killed with SIGKILL costs its
// clients a 404, after which they initialize again on the survivor and go on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttpFixture, type HttpFixture } from '../upstream/helpers.js';
import { haproxyMissing, startHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { metricsUrlOf, sample, scrape } from '../support/metrics.js';
import { createDatabase, postgresMissing, startPostgres, type RunningPostgres } from '../support/postgres.js';
import { consoleLoginUrl, eventually, pendingFor, runWarden, startHttpGateway, textOf, waitForTicket, writeConfig, type HttpGateway } from './harness.js';

const missing = haproxyMissing();
if (missing) console.warn(`Skipping the fleet tests: ${missing}`);
const noPostgres = postgresMissing();
if (noPostgres && !missing) console.warn(`The fleet tests run on the file store: ${noPostgres}`);

const AGENTS = ['dev', 'a1', 'a2', 'a3', 'a4'];

interface Replica {
  name: string;
  gateway: HttpGateway;
  audit: string;
  metricsUrl: string;
  loginUrl: string;
}

interface AuditLine {
  event: string;
  agent: string;
  decision: string;
  decision_id: string;
  session: string;
  tool: string;
  outcome: string;
  args?: { text?: string; path?: string };
  approval?: { channel: string };
}

let upstream: HttpFixture;
let postgres: RunningPostgres | undefined;
let databaseUrl: string | undefined;
let haproxy: RunningHaproxy;
let config: { dir: string; file: string };
const replicas: Replica[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  if (missing) return;
  upstream = await startHttpFixture();
  if (!noPostgres) {
    postgres = await startPostgres();
    databaseUrl = await createDatabase(postgres, 'warden_fleet');
  }
  config = writeConfig(`
servers:
  echo:
    url: "${upstream.url}"
    readonly: [echo]
agents:
${AGENTS.map((agent) => `  ${agent}: { allow: ["echo/*"], ask: [echo/write_note], token: token-${agent} }`).join('\n')}
environments:
  team: { safety: full, audit: true }
approval: { channels: [console], timeout: 60s }
audit: { path: "\${AUDIT_PATH}" }
${databaseUrl ? 'store: { kind: postgres, url: "${DATABASE_URL}" }' : ''}
`);
  for (const name of ['warden1', 'warden2']) {
    const audit = join(config.dir, `audit-${name}.jsonl`);
    const gateway = await startHttpGateway(config, { env: { AUDIT_PATH: audit, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }, args: ['--metrics', '127.0.0.1:0'] });
    replicas.push({ name, gateway, audit, metricsUrl: await metricsUrlOf(gateway.stderr), loginUrl: await consoleLoginUrl(gateway.stderr) });
  }
  haproxy = await startHaproxy(replicas.map((replica) => new URL(replica.gateway.url).host));
}, 60_000);

afterAll(async () => {
  if (process.env.FLEET_DEBUG) console.log(haproxy?.output());
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await haproxy?.stop();
  await Promise.all(replicas.map((replica) => replica.gateway.stop()));
  await upstream?.stop();
  await postgres?.close();
});

async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The id of the pending ticket of the write_note call for `path`, from the store in use. */
async function pendingTicketFor(path: string): Promise<string> {
  if (!databaseUrl) return (await waitForTicket(config.dir, pendingFor(path))).id;
  let id: string | undefined;
  await eventually(async () => {
    const rows = await query<{ id: string }>(`SELECT id FROM warden_tickets WHERE state = 'pending' AND ticket->'arguments'->>'path' = $1`, [path]);
    return (id = rows[0]?.id) !== undefined;
  }, 15_000);
  return id!;
}

/** A real SDK client through HAProxy. */
async function connect(agent = 'dev'): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${haproxy.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer token-${agent}` } } });
  const client = new Client({ name: 'fleet-client', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

function auditOf(replica: Replica): AuditLine[] {
  try {
    return readFileSync(replica.audit, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditLine);
  } catch {
    return [];
  }
}

/** The call records, on every replica, of calls whose `text` argument is `text`. */
function callsWithText(text: string): Array<{ replica: string; record: AuditLine }> {
  return replicas.flatMap((replica) => auditOf(replica).filter((record) => record.event === 'call' && record.args?.text === text).map((record) => ({ replica: replica.name, record })));
}

test.skipIf(missing)('every request of a session reaches the replica that holds it', async () => {
  const sessions = await Promise.all([0, 1, 2, 3, 4, 5].map(() => connect()));
  for (let round = 0; round < 3; round++) {
    for (const [index, { client }] of sessions.entries()) {
      const result = await client.callTool({ name: 'echo_echo', arguments: { text: `sticky-${index}-${round}` } });
      expect(textOf(result)).toContain(`sticky-${index}-${round}`);
    }
  }
  const served = new Set<string>();
  for (const [index, { transport }] of sessions.entries()) {
    const records = [0, 1, 2].flatMap((round) => callsWithText(`sticky-${index}-${round}`));
    expect(records).toHaveLength(3);
    // One replica, one gateway session, for all three calls of a client.
    expect(new Set(records.map((entry) => entry.replica)).size).toBe(1);
    expect(new Set(records.map((entry) => entry.record.session)).size).toBe(1);
    expect(transport.sessionId).toBeTruthy();
    served.add(records[0]!.replica);
  }
  // Round robin spreads new sessions: both replicas hold some.
  expect([...served].sort()).toEqual(['warden1', 'warden2']);
  await Promise.all(sessions.map(({ client }) => client.close()));
});

test.skipIf(missing)("an ask waiting on one replica is approved through the other replica's console", async () => {
  const { client } = await connect();
  const path = `fleet-${Date.now()}.txt`;
  let answeredAt = 0;
  const call = client.callTool({ name: 'echo_write_note', arguments: { path, text: 'hello' } }, undefined, { timeout: 60_000 }).then((result) => {
    answeredAt = performance.now();
    return result;
  });
  const ticket = { id: await pendingTicketFor(path) };
  // The replica holding the call is the one that audited the ask.
  let holder: Replica | undefined;
  await eventually(() => (holder = replicas.find((replica) => auditOf(replica).some((r) => r.decision_id === ticket.id && r.outcome === 'asked'))) !== undefined);
  const other = replicas.find((replica) => replica !== holder)!;
  const login = new URL(other.loginUrl);
  const approvedAt = performance.now();
  const response = await fetch(`${login.origin}${login.pathname}/api/tickets/${ticket.id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${login.searchParams.get('token')}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
  const answerReturnedAt = performance.now();
  const result = await call;
  expect(textOf(result)).toContain(`would write 5 characters to ${path}`);
  console.log(
    `fleet: approval through ${other.name} woke the call on ${holder!.name} ${(answeredAt - approvedAt).toFixed(1)} ms after the approve request was sent ` +
      `(${(answeredAt - answerReturnedAt).toFixed(1)} ms after its answer)`,
  );
  const [record] = callsWithText('hello').filter((entry) => entry.record.args?.path === path);
  expect(record).toMatchObject({ replica: holder!.name, record: { outcome: 'ok', approval: { channel: 'console' } } });
  await client.close();
});

test.skipIf(missing)('both consoles and the CLI answer one ticket at once: exactly one answer wins, and the call gets that one', async () => {
  const { client } = await connect();
  const path = `race-${Date.now()}.txt`;
  const call = client.callTool({ name: 'echo_write_note', arguments: { path, text: 'race' } }, undefined, { timeout: 60_000 });
  const id = await pendingTicketFor(path);
  const answerOn = (replica: Replica, verdict: 'approve' | 'deny') => {
    const login = new URL(replica.loginUrl);
    return fetch(`${login.origin}${login.pathname}/api/tickets/${id}/${verdict}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${login.searchParams.get('token')}`, 'content-type': 'application/json' },
      body: verdict === 'deny' ? JSON.stringify({ reason: 'denied on the second replica' }) : '{}',
    });
  };
  // Three people at once: approve on the first replica's console, deny on the second's, approve with the CLI.
  const [first, second, cli] = await Promise.all([
    answerOn(replicas[0]!, 'approve'),
    answerOn(replicas[1]!, 'deny'),
    runWarden(config.dir, ['approvals', 'approve', id, ...(databaseUrl ? ['--config', config.file] : [])], { env: { AUDIT_PATH: join(config.dir, 'audit-cli.jsonl'), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } }),
  ]);
  const won = [first.status === 200 ? 'approve-console' : undefined, second.status === 200 ? 'deny-console' : undefined, cli.code === 0 ? 'approve-cli' : undefined].filter(Boolean);
  expect(won).toHaveLength(1);
  // The losers are told the ticket was already decided; nothing else went wrong.
  for (const response of [first, second]) if (response.status !== 200) expect(response.status).toBe(409);
  if (cli.code !== 0) expect(cli.stderr + cli.stdout).toMatch(/already/i);
  const result = await call;
  if (won[0] === 'deny-console') {
    expect(result).toMatchObject({ isError: true });
    expect(textOf(result)).toContain('denied on the second replica');
    expect(callsWithText('race').filter((entry) => entry.record.outcome === 'ok')).toHaveLength(0);
  } else {
    expect(textOf(result)).toContain(`would write 4 characters to ${path}`);
    expect(callsWithText('race').filter((entry) => entry.record.outcome === 'ok')).toHaveLength(1);
  }
  await client.close();
});

test.skipIf(missing)('50 concurrent sessions: one audit record per call, and the metrics of both replicas add up', async () => {
  const texts = Array.from({ length: 50 }, (_, index) => `concurrent-${index}`);
  // Five agents: the front caps one agent's sessions per replica (16), and 50 sessions of one agent would pass it.
  await Promise.all(
    texts.map(async (text, index) => {
      const { client } = await connect(AGENTS[index % AGENTS.length]);
      const result = await client.callTool({ name: 'echo_echo', arguments: { text } });
      expect(textOf(result)).toContain(text);
      await client.close();
    }),
  );
  const perReplica: Record<string, number> = {};
  for (const text of texts) {
    const records = callsWithText(text);
    expect(records, text).toHaveLength(1);
    perReplica[records[0]!.replica] = (perReplica[records[0]!.replica] ?? 0) + 1;
  }
  expect(Object.keys(perReplica).sort()).toEqual(['warden1', 'warden2']);
  console.log(`fleet: 50 concurrent sessions split ${JSON.stringify(perReplica)} (${databaseUrl ? 'postgres' : 'file'} store)`);
  if (databaseUrl) {
    // The store's audit table: one row per call, written by both replicas.
    const rows = await query<{ text: string; replica: string }>(
      `SELECT record->'args'->>'text' AS text, replica FROM warden_audit WHERE event = 'call' AND record->'args'->>'text' LIKE 'concurrent-%'`,
    );
    expect(rows.map((row) => row.text).sort()).toEqual([...texts].sort());
    expect(new Set(rows.map((row) => row.replica)).size).toBe(2);
  }
  // Each replica's decisions metric counts exactly the call records in its own audit.
  for (const replica of replicas) {
    const text = await scrape(replica.metricsUrl);
    const calls = auditOf(replica).filter((record) => record.event === 'call');
    for (const agent of AGENTS) {
      for (const decision of ['allow', 'ask'] as const) {
        const audited = calls.filter((record) => record.agent === agent && record.decision === decision).length;
        expect(sample(text, 'mcp_warden_decisions_total', { agent, decision, layer: 'name' }) ?? 0, `${replica.name} ${agent} ${decision}`).toBe(audited);
      }
    }
    expect(calls.length).toBeGreaterThan(0);
  }
  // The SDK client's close() ends no session on the server (no DELETE): each replica still holds its
  // share, and the shares add up to the ten sessions each of a1..a4 opened.
  const scraped = await Promise.all(replicas.map((replica) => scrape(replica.metricsUrl)));
  for (const agent of AGENTS.slice(1)) {
    expect(scraped.reduce((sum, text) => sum + (sample(text, 'mcp_warden_sessions', { agent }) ?? 0), 0), agent).toBe(10);
  }
});

test.skipIf(missing)('a replica killed with SIGKILL: its clients get 404 through HAProxy, initialize again on the other, and go on', async () => {
  // Sessions until one lands on each replica.
  const byReplica = new Map<string, { client: Client; transport: StreamableHTTPClientTransport }>();
  for (let attempt = 0; attempt < 10 && byReplica.size < 2; attempt++) {
    const session = await connect();
    const text = `before-kill-${attempt}`;
    await session.client.callTool({ name: 'echo_echo', arguments: { text } });
    const [entry] = callsWithText(text);
    if (!byReplica.has(entry!.replica)) byReplica.set(entry!.replica, session);
  }
  const victim = replicas.find((replica) => replica.name === 'warden1')!;
  const survivor = replicas.find((replica) => replica.name === 'warden2')!;
  const orphan = byReplica.get(victim.name)!;
  const kept = byReplica.get(survivor.name)!;
  const sessionId = orphan.transport.sessionId!;
  await victim.gateway.stop('SIGKILL');

  // At once, before the health checks mark it down: the connection is refused, HAProxy redispatches, the survivor does not know the session.
  const raw = await fetch(`${haproxy.url}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: 'Bearer token-dev', 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
  });
  expect(raw.status).toBe(404);
  await raw.text();
  await eventually(async () => (await haproxy.serverStates())[victim.name] === 'DOWN', 15_000);

  // The SDK client sees the 404 too; it initializes a new session, which can only land on the survivor.
  await expect(orphan.client.callTool({ name: 'echo_echo', arguments: { text: 'orphaned' } })).rejects.toThrow(/404|session/i);
  const again = await connect();
  const result = await again.client.callTool({ name: 'echo_echo', arguments: { text: 'after-kill' } });
  expect(textOf(result)).toContain('after-kill');
  expect(callsWithText('after-kill').map((entry) => entry.replica)).toEqual([survivor.name]);
  // Sessions on the survivor never noticed.
  expect(textOf(await kept.client.callTool({ name: 'echo_echo', arguments: { text: 'kept' } }))).toContain('kept');
  expect(callsWithText('orphaned')).toEqual([]);
});
