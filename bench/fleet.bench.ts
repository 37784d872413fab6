// `npm run bench:fleet`: the figures docs/deploy.md quotes, measured on this machine with real
// processes: calls/s of one replica reached directly and of two replicas behind the shipped HAProxy
// config (both on one PostgreSQL store, audit on), the approval wake-up latency across replicas (an
// ask held on one replica, approved through the other's console API), and the audit write rate (rows
// the store took per second during the two-replica run). A benchmark, not a test: it prints figures.
import pg from 'pg';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { consoleLoginUrl, eventually, startHttpGateway, writeConfig, type HttpGateway } from '../test/e2e/harness.js';
import { startHttpFixture } from '../test/upstream/helpers.js';
import { startHaproxy } from '../test/support/haproxy.js';
import { createDatabase, postgresMissing, startPostgres } from '../test/support/postgres.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ASKS = Number(process.env.BENCH_ASKS ?? 20);

const missing = postgresMissing();
if (missing) throw new Error(`bench:fleet needs PostgreSQL: ${missing}`);

const upstream = await startHttpFixture();
const postgres = await startPostgres();
const url = await createDatabase(postgres, 'warden_bench');
const AGENTS = Array.from({ length: 4 }, (_, index) => `bench${index}`);
const config = writeConfig(`
servers:
  echo: { url: "${upstream.url}", readonly: [echo] }
agents:
${AGENTS.map((agent) => `  ${agent}: { allow: ["echo/*"], ask: [echo/write_note], token: token-${agent} }`).join('\n')}
environments:
  team: { safety: full, audit: true }
approval: { channels: [console], timeout: 60s }
store: { kind: postgres, url: "\${DATABASE_URL}" }
`);
const replicas: HttpGateway[] = [];
for (let i = 0; i < 2; i++) replicas.push(await startHttpGateway(config, { env: { DATABASE_URL: url } }));
const haproxy = await startHaproxy(replicas.map((replica) => new URL(replica.url).host));

async function connect(endpoint: string, agent: string): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer token-${agent}` } } }));
  return client;
}

async function auditRows(): Promise<number> {
  const db = new pg.Client(url);
  await db.connect();
  try {
    return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM warden_audit')).rows[0]!.n);
  } finally {
    await db.end();
  }
}

/** Calls/s with CONCURRENCY sessions calling echo back to back for SECONDS. */
async function throughput(endpoint: string): Promise<{ perSecond: number; calls: number; rowsPerSecond: number }> {
  const clients = await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => connect(endpoint, AGENTS[index % AGENTS.length]!)));
  // Warm-up: sessions' upstream connections made, code paths hot.
  await Promise.all(clients.map((client) => client.callTool({ name: 'echo_echo', arguments: { text: 'warm' } })));
  const rowsBefore = await auditRows();
  let calls = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        await client.callTool({ name: 'echo_echo', arguments: { text: `call ${calls}` } });
        calls++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const rows = (await auditRows()) - rowsBefore;
  await Promise.all(clients.map((client) => client.close()));
  return { perSecond: calls / elapsed, calls, rowsPerSecond: rows / elapsed };
}

const direct = await throughput(replicas[0]!.url);
const fleet = await throughput(`${haproxy.url}/mcp`);

// Approval wake-up: each ask approved through the replica that does not hold it.
const logins = await Promise.all(replicas.map((replica) => consoleLoginUrl(replica.stderr)));
const asker = await connect(`${haproxy.url}/mcp`, AGENTS[0]!);
const wakeups: number[] = [];
const db = new pg.Client(url);
await db.connect();
for (let i = 0; i < ASKS; i++) {
  const path = `bench-${i}.txt`;
  let answeredAt = 0;
  const call = asker.callTool({ name: 'echo_write_note', arguments: { path, text: 'x' } }).then(() => (answeredAt = performance.now()));
  let ticket: { id: string; owner_replica: string } | undefined;
  await eventually(async () => {
    ticket = (await db.query<{ id: string; owner_replica: string }>(`SELECT id, owner_replica FROM warden_tickets WHERE state = 'pending' AND ticket->'arguments'->>'path' = $1`, [path])).rows[0];
    return ticket !== undefined;
  });
  // The holder is whichever replica's session asked; approve through each replica's console in turn and keep the cross-replica answers.
  const holderPid = (await db.query<{ pid: number }>('SELECT pid FROM warden_replicas WHERE id = $1', [ticket!.owner_replica])).rows[0]?.pid;
  const other = replicas.findIndex((replica) => replica.child.pid !== holderPid);
  const login = new URL(logins[other]!);
  const sent = performance.now();
  const response = await fetch(`${login.origin}${login.pathname}/api/tickets/${ticket!.id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${login.searchParams.get('token')}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (response.status !== 200) throw new Error(`approve: ${response.status} ${await response.text()}`);
  await call;
  wakeups.push(answeredAt - sent);
}
await db.end();
await asker.close();
wakeups.sort((a, b) => a - b);
const pct = (p: number) => wakeups[Math.min(wakeups.length - 1, Math.floor((p / 100) * wakeups.length))]!.toFixed(1);

console.log(`mcp-warden fleet bench (${CONCURRENCY} concurrent sessions, ${SECONDS}s each, echo over an HTTP upstream, store: postgres, audit on)`);
console.log(`  one replica, direct:           ${direct.perSecond.toFixed(0)} calls/s (${direct.calls} calls); audit rows ${direct.rowsPerSecond.toFixed(0)}/s`);
console.log(`  two replicas behind HAProxy:   ${fleet.perSecond.toFixed(0)} calls/s (${fleet.calls} calls); audit rows ${fleet.rowsPerSecond.toFixed(0)}/s`);
console.log(`  approval wake-up across replicas (approve request sent → call answered), ${ASKS} asks: p50 ${pct(50)} ms, p90 ${pct(90)} ms, max ${pct(100)} ms`);
console.log(`  machine: ${(await import('node:os')).cpus().length} cores, ${(await import('node:os')).cpus()[0]?.model ?? ''}`);

await haproxy.stop();
await Promise.all(replicas.map((replica) => replica.stop()));
await upstream.stop();
await postgres.close();

