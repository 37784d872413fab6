// `mcp-warden status` end to end: a stdio gateway (started by an SDK client, as Claude Code starts one)
// and an HTTP gateway sharing a state directory are both listed with a console link that logs a browser
// in, the state of each upstream (a good one up, one with a bad command failed, with why) and the calls
// waiting for approval; a gateway that stops, or is killed with -9, is no longer listed. The agent is
// told of the broken server too: in the initialize instructions, and in the error of a call to it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { StatusReport } from '../../src/status/status-report.js';
import {
  alive,
  connectHttp,
  connectStdio,
  consoleLoginUrl,
  eventually,
  runWarden,
  startHttpGateway,
  textOf,
  waitForTicket,
  writeConfig,
  type HttpGateway,
  type StdioConnection,
} from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
  broken:
    command: "{{dir}}/no-such-server"
  later:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    startup: lazy
agents:
  dev:
    token: token-dev-status
    allow: ["echo/*", "broken/*", "later/*"]
    ask: ["echo/write_note"]
  narrow:
    token: token-narrow-status
    allow: ["echo/echo"]
environments:
  dev: { safety: full }
approval: { channels: [console], timeout: 60s }
`;

const BROKEN_WHY = /^Cannot start upstream "broken": command ".*no-such-server" was not found/;

let config: { dir: string; file: string };
let stdio: StdioConnection;
let http: HttpGateway;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  stdio = await connectStdio(config, 'dev');
  http = await startHttpGateway(config);
}, 60_000);

afterAll(async () => {
  await stdio?.close().catch(() => {});
  await http?.stop();
});

async function status(): Promise<StatusReport> {
  const run = await runWarden(config.dir, ['status', '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as StatusReport;
}

test('status --json lists the stdio and the HTTP gateway, their working console links and their upstreams', async () => {
  const client = await connectHttp(http.url, 'token-dev-status');
  let report!: StatusReport;
  // The entry is written shortly after the events (coalesced); wait until both sessions show the broken server failed.
  await eventually(async () => {
    report = await status();
    const sessions = report.gateways.flatMap((gateway) => gateway.sessions);
    return sessions.length === 2 && sessions.every((s) => s.upstreams.broken?.state === 'failed' && s.upstreams.echo?.state === 'up');
  }, 30_000);

  const byKind = Object.fromEntries(report.gateways.map((gateway) => [gateway.kind, gateway]));
  expect(byKind.stdio).toMatchObject({ pid: stdio.pid, kind: 'stdio', agent: 'dev', config: config.file, environment: 'dev' });
  expect(byKind.http).toMatchObject({ pid: http.child.pid, kind: 'http', url: http.url, config: config.file, environment: 'dev' });
  expect(byKind.stdio!.sessions[0]).toMatchObject({ agent: 'dev', client: { name: 'e2e-client', version: '1.0.0' } });
  expect(byKind.http!.sessions[0]).toMatchObject({ agent: 'dev', client: { name: 'e2e-http-client', version: '1.0.0' } });
  for (const gateway of report.gateways) {
    const upstreams = gateway.sessions[0]!.upstreams;
    expect(upstreams.echo!.state).toBe('up');
    expect(upstreams.broken!.error).toMatch(BROKEN_WHY);
    expect(upstreams.broken!.attempts).toBeGreaterThanOrEqual(1);
    expect(upstreams.later).toMatchObject({ state: 'not-started', lazy: true });
  }

  // The stdio gateway's console link is the one it printed to stderr (Claude Code's MCP log), and it works.
  expect(byKind.stdio!.consoleLink).toBe(await consoleLoginUrl(stdio.stderr));
  expect(byKind.http!.consoleLink).toBe(await consoleLoginUrl(http.stderr));
  expect(report.consoles.sort()).toEqual([byKind.stdio!.consoleLink, byKind.http!.consoleLink].sort());
  for (const link of report.consoles) {
    const login = await fetch(link, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const page = await fetch(new URL(login.headers.get('location')!, link), { headers: { cookie: login.headers.get('set-cookie')!.split(';')[0]! } });
    expect(page.status).toBe(200);
  }
  await client.close();
}, 60_000);

test('status in words: each gateway, its console link, its upstream table; and a call waiting for approval', async () => {
  const call = stdio.client.callTool({ name: 'echo_write_note', arguments: { path: 'status.txt', text: 'x' } });
  const ticket = await waitForTicket(config.dir, (t) => t.state === 'pending' && t.arguments.path === 'status.txt');

  const json = await status();
  expect(json.pending).toEqual([expect.objectContaining({ id: ticket.id, agent: 'dev', server: 'echo', tool: 'write_note', gatewayPid: stdio.pid })]);

  const run = await runWarden(config.dir, ['status']);
  expect(run.code).toBe(0);
  const lines = run.stdout.trimEnd().split('\n');
  const stdioLink = await consoleLoginUrl(stdio.stderr);
  expect(lines[0]).toBe(`2 gateways running (state directory "${config.dir}/state"):`);
  expect(lines.some((line) => line.startsWith(`stdio gateway for agent "dev"  pid ${stdio.pid}  environment "dev"  up `))).toBe(true);
  expect(lines.some((line) => line.startsWith(`HTTP gateway at ${http.url}  pid ${http.child.pid}  environment "dev"`))).toBe(true);
  expect(lines).toContain(`  approval console: ${stdioLink}`);
  expect(lines).toContain(`  config: ${config.file}`);
  expect(lines).toContain('    echo    up');
  expect(lines.find((line) => line.startsWith('    broken  '))).toMatch(/^ {4}broken {2}failed: Cannot start upstream "broken": command ".*no-such-server" was not found .*\(attempt \d+, (next try in \d+(\.\d)? s|trying again now)\)$/);
  expect(lines).toContain('    later   not started (lazy: starts on first use)');
  expect(lines).toContain('1 call waiting for approval:');
  expect(lines.find((line) => line.startsWith(`  ${ticket.id}  echo/write_note  agent "dev"  asked `))).toMatch(/\(gateway pid \d+\)$/);
  expect(lines.at(-1)).toContain(stdioLink);

  const answer = await runWarden(config.dir, ['approvals', 'deny', ticket.id, '--reason', 'not now']);
  expect(answer.code).toBe(0);
  await call;
  expect((await status()).pending).toEqual([]);
}, 60_000);

test('the agent is told why the broken server is missing: in the initialize instructions and in the error of a call', async () => {
  const client = await connectHttp(http.url, 'token-dev-status');
  const instructions = client.getInstructions() ?? '';
  expect(instructions).toContain('mcp-warden: one upstream server is not available, so its tools are missing from the list');
  expect(instructions).toContain('\n- Upstream "broken" is unavailable: command not found');
  // Paths and commands are the operator's: the agent gets the reason in a few words only.
  expect(instructions).not.toContain('no-such-server');
  const tools = (await client.listTools()).tools.map((tool) => tool.name);
  expect(tools).toContain('echo_echo');
  expect(tools.some((name) => name.startsWith('broken_'))).toBe(false);
  const result = await client.callTool({ name: 'broken_anything', arguments: {} });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/^Upstream "broken" is unavailable: command not found\. mcp-warden tries to start it again/);
  await client.close();

  // An agent that may use no tool of the broken server is not told of it.
  const narrow = await connectHttp(http.url, 'token-narrow-status');
  expect(narrow.getInstructions() ?? '').not.toContain('broken');
  await narrow.close();
}, 60_000);

test('a gateway that stops is gone from status at once; one killed with -9 is gone too, and so is its file', async () => {
  const second = await connectStdio(config, 'dev');
  await eventually(async () => (await status()).gateways.some((gateway) => gateway.pid === second.pid), 20_000);
  await second.close();
  await eventually(() => !alive(second.pid), 20_000);
  expect((await status()).gateways.map((gateway) => gateway.pid)).not.toContain(second.pid);

  const killed = await connectStdio(config, 'dev');
  await eventually(async () => (await status()).gateways.some((gateway) => gateway.pid === killed.pid), 20_000);
  process.kill(killed.pid, 'SIGKILL');
  await eventually(() => !alive(killed.pid), 20_000);
  const after = await status();
  expect(after.gateways.map((gateway) => gateway.pid).sort()).toEqual([stdio.pid, http.child.pid].sort());
  expect(readdirSync(join(config.dir, 'state', 'gateways'))).not.toContain(`${killed.pid}.json`);
  await killed.close().catch(() => {});

  await http.stop();
  await stdio.close();
  await eventually(() => !alive(stdio.pid), 20_000);
  const none = await runWarden(config.dir, ['status']);
  expect(none.code).toBe(0);
  expect(none.stdout.split('\n').slice(0, 2)).toEqual([
    `No mcp-warden gateway is running for state directory "${config.dir}/state".`,
    'Start one with "mcp-warden serve --http 127.0.0.1:8787", or let your MCP client start "mcp-warden serve --agent NAME" (see "mcp-warden connect")',
  ]);
  expect((await status()).gateways).toEqual([]);
}, 90_000);

test('a server that first fails after initialize (lazy) is a warning log notification to the agent, once', async () => {
  const lazy = writeConfig(`
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
  broken:
    command: "{{dir}}/no-such-server"
    startup: lazy
agents:
  dev:
    allow: ["echo/*", "broken/*"]
environments:
  dev: { safety: full }
`);
  const logs: Array<{ level: string; logger?: string; data: unknown }> = [];
  const agent = await connectStdio(lazy, 'dev', {
    setup: (client) => client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void logs.push(notification.params)),
  });
  // Nothing had failed at initialize: the lazy server starts on the first tools/list.
  expect(agent.client.getInstructions() ?? '').not.toContain('broken');
  expect(agent.client.getServerCapabilities()?.logging).toEqual({});
  const tools = (await agent.client.listTools()).tools.map((tool) => tool.name);
  expect(tools).toContain('echo_echo');
  await eventually(() => logs.length > 0, 20_000);
  expect(logs[0]).toEqual({
    level: 'warning',
    logger: 'mcp-warden',
    data: 'Upstream "broken" is unavailable: command not found. mcp-warden keeps trying to start it; its tools appear once it is up, and the agent is told with notifications/tools/list_changed',
  });
  // Retries go on; further failures of the same run are not repeated to the agent.
  await eventually(async () => {
    const report = JSON.parse((await runWarden(lazy.dir, ['status', '--json'])).stdout) as StatusReport;
    return (report.gateways[0]?.sessions[0]?.upstreams.broken?.attempts ?? 0) >= 3;
  }, 30_000);
  expect(logs.filter((log) => String(log.data).includes('"broken"'))).toHaveLength(1);
  await agent.close();
}, 60_000);
