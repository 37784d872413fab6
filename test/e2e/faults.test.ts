// Upstream faults end to end: a crash mid-call, a hang, garbage on stdout; and no child process left
// behind however the gateway is stopped, even by a server that ignores SIGTERM.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, connectStdio, eventually, textOf, writeConfig, type StdioConnection } from './harness.js';

const CONFIG = `
servers:
  crash:
    command: node
    args: ["{{fixtures}}/crash-server.mjs"]
  hang:
    command: node
    args: ["{{fixtures}}/hang-server.mjs"]
    timeout: 1s
  garbage:
    command: node
    args: ["{{fixtures}}/garbage-server.mjs"]
  stubborn:
    command: node
    args: ["{{fixtures}}/ignore-sigterm.mjs"]
agents:
  dev:
    extends: [eval]
environments:
  dev: { safety: full, audit: false }
`;

let config: { dir: string; file: string };
let conn: StdioConnection;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  conn = await connectStdio(config, 'dev');
});
afterAll(async () => {
  await conn?.close();
});

test('an upstream that crashes mid-call gives a clear error, and the next call works', async () => {
  const crashed = await conn.client.callTool({ name: 'crash_crash', arguments: {} });
  expect(crashed.isError).toBe(true);
  expect(textOf(crashed)).toMatch(/Upstream "crash" exited/);
  const next = await conn.client.callTool({ name: 'crash_echo', arguments: { text: 'back again' } });
  expect(next.isError).toBeFalsy();
  expect(textOf(next)).toContain('back again');
});

test('an upstream that hangs is cut off at its timeout and keeps serving', async () => {
  const started = Date.now();
  const hung = await conn.client.callTool({ name: 'hang_hang', arguments: {} });
  expect(hung.isError).toBe(true);
  expect(textOf(hung)).toMatch(/did not answer/);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(textOf(await conn.client.callTool({ name: 'hang_echo', arguments: { text: 'awake' } }))).toContain('awake');
});

test('garbage on an upstream\'s stdout does not break the connection', async () => {
  for (let i = 0; i < 3; i += 1) {
    expect(textOf(await conn.client.callTool({ name: 'garbage_echo', arguments: { text: `clean ${i}` } }))).toContain(`clean ${i}`);
  }
});

async function stubbornPids(connection: StdioConnection): Promise<number[]> {
  const result = await connection.client.callTool({ name: 'stubborn_pids', arguments: {} });
  const parsed = JSON.parse(textOf(result)) as { pid: number; grandchild: number };
  return [parsed.pid, parsed.grandchild];
}

test.each([
  ['the agent hanging up (stdin ends)', async (c: StdioConnection) => c.close()],
  ['SIGTERM', async (c: StdioConnection) => void process.kill(c.pid, 'SIGTERM')],
  ['SIGINT', async (c: StdioConnection) => void process.kill(c.pid, 'SIGINT')],
])('no child process is left behind after %s', async (_label, stop) => {
  const connection = await connectStdio(config, 'dev');
  const pids = await stubbornPids(connection);
  expect(pids.every(alive)).toBe(true);
  await stop(connection);
  await eventually(() => !alive(connection.pid) && pids.every((pid) => !alive(pid)), 15_000);
  // Already stopped: closing the transport may fail, which is cleanup.
  await connection.close().catch(() => {});
});

/** Live child processes of `parent` whose command line contains `needle` (Linux /proc). */
function childrenOf(parent: number, needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

test("Claude Code's way of stopping a server (SIGINT, SIGTERM, then SIGKILL within milliseconds) leaves no upstream behind", async () => {
  // The upstream ignores its stdin's end, as server-everything does (each `claude mcp list` used to
  // leave one behind): only a signal from the gateway ends it, and the gateway has 50 ms.
  const config = writeConfig(`
servers:
  lingering:
    command: node
    args: ["{{fixtures}}/outlive-stdin.mjs", "--signal-log", "{{dir}}/signals.log"]
agents:
  dev:
    allow: ["lingering/echo"]
`);
  const connection = await connectStdio(config, 'dev');
  // As `claude mcp list` does: initialize and list, no calls.
  expect((await connection.client.listTools()).tools.map((tool) => tool.name)).toEqual(['lingering_echo']);
  const upstreams = childrenOf(connection.pid, 'outlive-stdin');
  expect(upstreams).toHaveLength(1);
  // The gateway may already be gone by the next signal; that is the point.
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(connection.pid, name);
    } catch {
      // ESRCH
    }
  };
  signal('SIGINT');
  signal('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 50));
  signal('SIGKILL');
  try {
    await eventually(() => !alive(upstreams[0]!), 5_000);
    expect(readFileSync(join(config.dir, 'signals.log'), 'utf8')).toBe(`SIGTERM ${upstreams[0]}\n`);
  } finally {
    if (alive(upstreams[0]!)) process.kill(upstreams[0]!, 'SIGKILL');
    // Cleanup only: the test has asserted what it checks.
    await connection.close().catch(() => {});
  }
});
