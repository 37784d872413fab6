// What status gathers and prints, from a registry and a ticket store in memory: console links only
// for consoles that answer (a shared console whose serving gateway is gone has none), the calls
// waiting, and the words for each case.
import { hostname } from 'node:os';
import { expect, test } from 'vitest';
import { MemoryTicketStore } from '../../src/approval/memory-store.js';
import { createTicket } from '../../src/approval/ticket.js';
import type { GatewayEntry } from '../../src/status/gateway-entry.js';
import { MemoryGatewayRegistry } from '../../src/status/memory-registry.js';
import { gatherStatus } from '../../src/status/status-report.js';
import { formatStatus } from '../../src/status/status-text.js';

const NOW = 1_800_000_000_000;

function gateway(pid: number, fields: Partial<GatewayEntry>): GatewayEntry {
  return { pid, host: hostname(), kind: 'stdio', agent: 'dev', config: '/p/gateway.yaml', environment: 'dev', startedAt: NOW - 65_000, sessions: [], updatedAt: NOW, ...fields };
}

test('two stdio gateways sharing one console: both get the link while its server runs; the sharer gets none once it is gone', async () => {
  const serving = gateway(101, { console: { url: 'http://127.0.0.1:8788/approvals', shared: false } });
  const sharing = gateway(102, {
    console: { url: 'http://127.0.0.1:8788/approvals', shared: true },
    sessions: [
      {
        id: 's-1',
        agent: 'dev',
        client: { name: 'claude-code', version: '2.0.1' },
        openedAt: NOW - 30_000,
        upstreams: {
          github: { state: 'up', since: NOW - 29_000 },
          db: { state: 'failed', attempts: 4, error: 'Cannot start upstream "db": command "pg-mcp" was not found (ENOENT)', retryAt: NOW + 2_000, since: NOW - 29_000 },
          docs: { state: 'not-started', lazy: true, since: NOW - 30_000 },
        },
      },
    ],
  });
  const gone = new Set<number>();
  const registry = new MemoryGatewayRegistry({ gone: (entry) => gone.has(entry.pid) });
  await registry.publish(serving);
  await registry.publish(sharing);
  const store = new MemoryTicketStore();

  const both = await gatherStatus({ stateDir: '/state', registry, store, token: 'T0k' });
  expect(both.consoles).toEqual(['http://127.0.0.1:8788/approvals?token=T0k']);
  expect(both.gateways.map((g) => g.consoleLink)).toEqual(['http://127.0.0.1:8788/approvals?token=T0k', 'http://127.0.0.1:8788/approvals?token=T0k']);
  expect(formatStatus(both, NOW).split('\n')).toEqual([
    '2 gateways running (state directory "/state"):',
    '',
    'stdio gateway for agent "dev"  pid 101  environment "dev"  up 1m5s',
    '  config: /p/gateway.yaml',
    '  approval console: http://127.0.0.1:8788/approvals?token=T0k',
    '  no session yet (the client has not sent initialize)',
    '',
    'stdio gateway for agent "dev"  pid 102  environment "dev"  up 1m5s',
    '  config: /p/gateway.yaml',
    '  approval console: http://127.0.0.1:8788/approvals?token=T0k (shared with another gateway)',
    '  session s-1  agent "dev"  client "claude-code" 2.0.1  opened 30s ago',
    '    github  up',
    '    db      failed: Cannot start upstream "db": command "pg-mcp" was not found (ENOENT) (attempt 4, next try in 2.0 s)',
    '    docs    not started (lazy: starts on first use)',
    '',
    'No call is waiting for approval.',
  ]);

  gone.add(101);
  const alone = await gatherStatus({ stateDir: '/state', registry, store, token: 'T0k' });
  expect(alone.consoles).toEqual([]);
  expect(alone.gateways.map((g) => [g.pid, g.consoleLink])).toEqual([[102, undefined]]);
  expect(formatStatus(alone, NOW)).toContain(
    '  approval console: none now: the gateway whose console it shared has exited (another console, or "mcp-warden approvals", still answers)',
  );
});

test('a call waiting for approval: its ticket, tool, agent, age, gateway, and where to answer it', async () => {
  const registry = new MemoryGatewayRegistry();
  await registry.publish(gateway(201, { kind: 'http', url: 'http://127.0.0.1:8787/mcp', console: { url: 'http://127.0.0.1:8787/approvals', shared: false } }));
  const store = new MemoryTicketStore();
  const ticket = createTicket(
    { agent: 'dev', session: 's', environment: 'dev', server: 'fs', tool: 'write_file', arguments: { path: 'a' }, reasons: [] },
    { now: NOW - 12_000, timeoutMs: 300_000 },
  );
  await store.create(ticket);
  const report = await gatherStatus({ stateDir: '/state', registry, store, token: 'T0k' });
  expect(report.pending).toEqual([
    { id: ticket.id, agent: 'dev', environment: 'dev', server: 'fs', tool: 'write_file', createdAt: NOW - 12_000, expiresAt: NOW + 288_000, gatewayPid: process.pid, gatewayHost: hostname() },
  ]);
  const lines = formatStatus(report, NOW).split('\n');
  expect(lines[2]).toBe('HTTP gateway at http://127.0.0.1:8787/mcp  pid 201  environment "dev"  up 1m5s');
  expect(lines.slice(-3)).toEqual([
    '1 call waiting for approval:',
    `  ${ticket.id}  fs/write_file  agent "dev"  asked 12s ago, denied in 4m48s  (gateway pid ${process.pid})`,
    '  Answer in a console (http://127.0.0.1:8787/approvals?token=T0k) or with "mcp-warden approvals approve ID" / "mcp-warden approvals deny ID --reason TEXT".',
  ]);
});

test('no gateway: says so and how to start one', async () => {
  const report = await gatherStatus({ stateDir: '/state', registry: new MemoryGatewayRegistry(), store: new MemoryTicketStore() });
  expect(formatStatus(report, NOW).split('\n')).toEqual([
    'No mcp-warden gateway is running for state directory "/state".',
    'Start one with "mcp-warden serve --http 127.0.0.1:8787", or let your MCP client start "mcp-warden serve --agent NAME" (see "mcp-warden connect")',
    '',
    'No call is waiting for approval.',
  ]);
});

test('replicas on the PostgreSQL store: each named by replica, host and pid, its sessions without upstream tables; a stale config with where it failed', async () => {
  const since = new Date(2026, 10, 29, 11, 2).getTime();
  const replicaA = gateway(201, {
    kind: 'http',
    url: 'http://10.0.0.5:8787/mcp',
    host: 'web-1',
    replica: '3f2a1b9c-0d4e-4f5a-9b6c-7d8e9f0a1b2c',
    configState: {
      generation: 3,
      loadedAt: since - 60_000,
      stale: true,
      staleSince: since,
      lastError: 'gateway.yaml:12:5 agents.dev: unknown key "alow"; did you mean "allow"?\n  12 |     alow: [x]',
      lastErrorWhere: ['gateway.yaml:12:5 agents.dev'],
      lastAttemptAt: since + 5_000,
    },
    sessions: [{ id: 'sess-a', agent: 'ci', client: { name: 'claude-code', version: '2.0.1' }, openedAt: NOW - 30_000, upstreams: {} }],
  });
  const registry = new MemoryGatewayRegistry();
  await registry.publish(replicaA);
  const report = await gatherStatus({ registry, store: new MemoryTicketStore(), token: 't', shared: '/etc/warden/gateway.yaml' });
  expect(report.store).toEqual({ kind: 'postgres', config: '/etc/warden/gateway.yaml' });
  expect(formatStatus(report, NOW)).toBe(
    [
      '1 gateway running on the PostgreSQL store of "/etc/warden/gateway.yaml":',
      '',
      'HTTP gateway at http://10.0.0.5:8787/mcp  replica 3f2a1b9c on host web-1, pid 201  environment "dev"  up 1m5s',
      '  config: /p/gateway.yaml',
      '  config: stale since 11:02 — gateway.yaml:12:5 agents.dev: unknown key "alow"; did you mean "allow"? (still serving generation 3; fix the file, it reloads on save or SIGHUP)',
      '  approval console: none (no "console" approval channel, or --non-interactive)',
      '  session sess-a  agent "ci"  client "claude-code" 2.0.1  opened 30s ago',
      '',
      'No call is waiting for approval.',
    ].join('\n'),
  );
});
