// Where each session lives, with several replicas on one real PostgreSQL: two `serve --http` gateways,
// real SDK clients over HTTP on each, and `mcp-warden status --json --config` listing every replica
// with its sessions. A session closed disappears; a replica killed with -9 disappears once its lease
// (shortened here through MCP_WARDEN_REPLICA_LEASE_MS) runs out. The console of replica B names the
// replica A that holds the session whose call waits.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { StatusReport } from '../../src/status/status-report.js';
import { createDatabase, describeWithPostgres, startPostgres, type RunningPostgres } from '../support/postgres.js';
import { connectHttp, consoleLoginUrl, eventually, runWarden, startHttpGateway, writeConfig, type HttpGateway } from './harness.js';

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

const LEASE_MS = '1500';
let server: RunningPostgres;
let env: Record<string, string>;
let config: { dir: string; file: string };
let a: HttpGateway;
let b: HttpGateway;
const clients: Client[] = [];

async function status(): Promise<StatusReport> {
  const run = await runWarden(config.dir, ['status', '--json', '--config', config.file], { env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as StatusReport;
}

/** Session counts by gateway pid, as `status` reports them. */
function sessionsByPid(report: StatusReport): Record<number, number> {
  return Object.fromEntries(report.gateways.map((gateway) => [gateway.pid, gateway.sessions.length]));
}

describeWithPostgres('sessions of every replica in the store', () => {
  beforeAll(async () => {
    server = await startPostgres();
    env = { DATABASE_URL: await createDatabase(server, 'warden_replicas'), MCP_WARDEN_REPLICA_LEASE_MS: LEASE_MS };
    config = writeConfig(CONFIG);
    a = await startHttpGateway(config, { env });
    b = await startHttpGateway(config, { env });
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => {});
    await a?.stop();
    // Killed in the test: its 'exit' has been emitted already, so stop() would wait for it forever.
    if (b?.child.signalCode === null) await b.stop();
    await server?.close();
  }, 60_000);

  test('status --config lists both replicas with their sessions; a closed session and a killed replica disappear', async () => {
    const [a1, a2, b1] = [await connectHttp(a.url, 'token-dev'), await connectHttp(a.url, 'token-dev'), await connectHttp(b.url, 'token-dev')];
    clients.push(a1, a2, b1);
    const [pidA, pidB] = [a.child.pid!, b.child.pid!];

    let report!: StatusReport;
    await eventually(async () => {
      report = await status();
      const counts = sessionsByPid(report);
      return counts[pidA] === 2 && counts[pidB] === 1;
    }, 20_000);
    expect(report.store).toEqual({ kind: 'postgres', config: config.file });
    expect(report.gateways).toHaveLength(2);
    const [entryA, entryB] = [report.gateways.find((g) => g.pid === pidA)!, report.gateways.find((g) => g.pid === pidB)!];
    expect(entryA.replica).toMatch(/^[0-9a-f-]{36}$/);
    expect(entryB.replica).toMatch(/^[0-9a-f-]{36}$/);
    expect(entryA.replica).not.toBe(entryB.replica);
    expect(entryA.url).toBe(a.url);
    expect(entryB.url).toBe(b.url);
    for (const session of [...entryA.sessions, ...entryB.sessions]) {
      expect(session).toMatchObject({ agent: 'dev', client: { name: 'e2e-http-client', version: '1.0.0' } });
    }
    // The session ids the clients hold are the ones the store lists, on the replica that holds them.
    const idOf = (client: Client) => (client.transport as StreamableHTTPClientTransport).sessionId;
    expect(entryA.sessions.map((s) => s.id).sort()).toEqual([idOf(a1), idOf(a2)].sort());
    expect(entryB.sessions.map((s) => s.id)).toEqual([idOf(b1)]);

    const text = await runWarden(config.dir, ['status', '--config', config.file], { env });
    expect(text.stdout).toContain(`2 gateways running on the PostgreSQL store of "${config.file}":`);
    expect(text.stdout).toContain(`HTTP gateway at ${a.url}  replica ${entryA.replica!.slice(0, 8)} on host `);
    expect(text.stdout).toContain(`, pid ${pidB}  environment "staging"`);
    expect(text.stdout).toContain(`  session ${idOf(b1)}  agent "dev"  client "e2e-http-client" 1.0.0  opened `);

    // The console of replica B shows that the waiting call's session lives on replica A.
    const login = new URL(await consoleLoginUrl(b.stderr));
    const call = a1.callTool({ name: 'echo_write_note', arguments: { path: 'notes/where.md', text: 'x' } });
    let pending: Array<{ id: string; where?: string }> = [];
    await eventually(async () => {
      const response = await fetch(`${login.origin}${login.pathname}/api/tickets`, { headers: { authorization: `Bearer ${login.searchParams.get('token')}` } });
      pending = ((await response.json()) as { pending: typeof pending }).pending;
      return pending.length === 1;
    }, 15_000);
    expect(pending[0]!.where).toMatch(new RegExp(`^on replica ${entryA.replica!.slice(0, 8)} \\(host .+, pid ${pidA}\\)$`));
    expect((await status()).pending).toMatchObject([{ id: pending[0]!.id, replica: entryA.replica, gatewayPid: pidA }]);
    const deny = await runWarden(config.dir, ['approvals', 'deny', pending[0]!.id, '--config', config.file, '--reason', 'test over'], { env });
    expect(deny.code).toBe(0);
    expect((await call).isError).toBe(true);

    // A session closed (DELETE) leaves the store.
    await (a2.transport as StreamableHTTPClientTransport).terminateSession();
    await eventually(async () => sessionsByPid(await status())[pidA] === 1, 20_000);
    expect((await status()).gateways.find((g) => g.pid === pidA)!.sessions.map((s) => s.id)).toEqual([idOf(a1)]);

    // A replica killed with -9 writes nothing more: it is gone once its lease expires.
    expect(await b.stop('SIGKILL')).toBeNull();
    await eventually(async () => !(pidB in sessionsByPid(await status())), 20_000);
    expect(sessionsByPid(await status())).toEqual({ [pidA]: 1 });
  }, 120_000);
});
