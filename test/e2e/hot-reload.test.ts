// Hot reload end to end: the real gateway over real HTTP and stdio, real fixture servers, gateway.yaml
// edited on disk (renamed over, written in place) or reloaded by SIGHUP. A valid edit applies from the
// next call with list_changed sent; an invalid one leaves the old policy in force, logs the located
// error and shows the config as stale on /readyz; a changed server is restarted, the others keep their process.
import { renameSync, writeFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { FIXTURES, connectHttp, connectStdio, eventually, startHttpGateway, textOf, writeConfig, type HttpGateway, type StdioConnection } from './harness.js';

const TIMEOUT = 90_000;
const REFUSED = 'Unknown tool "echo_add": it does not exist or this agent may not use it';

function config(options: { aliceDeny?: string[]; otherArgs?: string[]; extra?: string; withBob?: boolean } = {}): string {
  return `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo, add, pid]
    startup: eager
  other:
    command: node
    args: ${JSON.stringify(['{{fixtures}}/echo-server.mjs', ...(options.otherArgs ?? [])])}
    readonly: [echo, pid]
    startup: eager
agents:
  alice:
    allow: ["echo/*", "other/*"]
    deny: ${JSON.stringify(options.aliceDeny ?? [])}
    token: token-alice
${options.withBob === false ? '' : '  bob:\n    allow: ["echo/echo"]\n    token: token-bob\n'}environments:
  dev: { safety: full, audit: false }
${options.extra ?? ''}`;
}

type Paths = { dir: string; file: string };

/** Replaces the file as editors and `kubectl` do: a temporary file renamed over it. */
function replaceByRename(paths: Paths, text: string): void {
  const temporary = `${paths.file}.tmp-${process.pid}`;
  writeFileSync(temporary, render(paths, text));
  renameSync(temporary, paths.file);
}

/** Writes the file in place (same inode), as `echo >` or a simple editor does. */
function writeInPlace(paths: Paths, text: string): void {
  writeFileSync(paths.file, render(paths, text));
}

function render(paths: Paths, text: string): string {
  return text.replaceAll('{{dir}}', paths.dir).replaceAll('{{fixtures}}', FIXTURES);
}

interface Readyz {
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; detail?: string }>;
  config: { generation: number; loadedAt: string; stale: boolean; error?: string };
}

async function readyz(gateway: HttpGateway): Promise<{ status: number; body: Readyz }> {
  const response = await fetch(gateway.url.replace(/\/mcp$/, '/readyz'));
  return { status: response.status, body: (await response.json()) as Readyz };
}

async function callText(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  try {
    const result = await client.callTool({ name, arguments: args });
    return { text: textOf(result), isError: Boolean(result.isError) };
  } catch (error) {
    return { text: (error as Error).message, isError: true };
  }
}

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((tool) => tool.name).sort();
}

let gateway: HttpGateway | undefined;
let clients: Client[] = [];
let stdio: StdioConnection | undefined;
afterEach(async () => {
  for (const client of clients) await client.close().catch(() => {});
  clients = [];
  await stdio?.close().catch(() => {});
  stdio = undefined;
  await gateway?.stop();
  gateway = undefined;
});

function setUp(text: string): Paths {
  return writeConfig(text);
}

test(
  'HTTP: a valid edit applies from the next call with list_changed; an invalid one keeps the old policy, logs where, and shows stale',
  async () => {
    const paths = setUp(config());
    gateway = await startHttpGateway(paths);
    let listChanged = 0;
    const alice = await connectHttp(gateway.url, 'token-alice', {
      setup: (client) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (listChanged += 1)),
    });
    clients.push(alice);
    expect(await callText(alice, 'echo_add', { a: 2, b: 3 })).toEqual({ text: '5', isError: false });
    const echoPid = (await callText(alice, 'echo_pid')).text;
    const otherPid = (await callText(alice, 'other_pid')).text;
    expect((await readyz(gateway)).body.config).toMatchObject({ generation: 1, stale: false });

    // Deny echo/add by renaming a new file over the old one.
    replaceByRename(paths, config({ aliceDeny: ['echo/add'] }));
    await eventually(async () => (await readyz(gateway!)).body.config.generation === 2, 20_000);
    // A tool the agent may not use by name is hidden, so the call is refused as unknown, no upstream asked.
    expect(await callText(alice, 'echo_add', { a: 2, b: 3 })).toEqual({ text: expect.stringContaining(REFUSED) as unknown, isError: true });
    await eventually(() => listChanged >= 1, 10_000);
    expect(await toolNames(alice)).not.toContain('echo_add');
    expect(await toolNames(alice)).toContain('echo_echo');
    // Nothing about the servers changed: both keep their process.
    expect((await callText(alice, 'echo_pid')).text).toBe(echoPid);
    expect((await callText(alice, 'other_pid')).text).toBe(otherPid);

    // A YAML syntax error, written in place: the deny stays, the error is located, /readyz says stale.
    writeInPlace(paths, config({ aliceDeny: [] }).replace('agents:', 'agents:\n  broken: [unclosed'));
    await eventually(async () => (await readyz(gateway!)).body.config.stale, 20_000);
    expect(gateway.stderr()).toMatch(/config reload \(file changed\) failed; still serving generation 2, now stale:\n.*gateway\.yaml:\d+:\d+/);
    let probe = await readyz(gateway);
    expect(probe.status).toBe(200);
    expect(probe.body.config).toMatchObject({ generation: 2, stale: true });
    expect(probe.body.config.error).toMatch(/^last reload failed at gateway\.yaml:\d+:\d+/);
    expect(probe.body.checks.find((check) => check.name === 'config')).toMatchObject({ ok: true, detail: expect.stringMatching(/^stale/) as unknown });
    expect((await callText(alice, 'echo_add', { a: 1, b: 1 })).text).toContain(REFUSED);
    expect(await callText(alice, 'echo_echo', { text: 'still here' })).toEqual({ text: 'still here', isError: false });

    // An unknown key: the same, located at the key.
    const before = gateway.stderr().length;
    writeInPlace(paths, config({ aliceDeny: [] }).replace('    startup: eager\n  other:', '    startup: eager\n    colour: blue\n  other:'));
    await eventually(() => /colour/.test(gateway!.stderr().slice(before)), 20_000);
    expect(gateway.stderr().slice(before)).toMatch(/gateway\.yaml:\d+:\d+ servers\.echo[^\n]*colour/);
    probe = await readyz(gateway);
    expect(probe.body.config).toMatchObject({ generation: 2, stale: true });
    expect(probe.body.config.error).toContain('servers.echo');
    expect((await callText(alice, 'echo_add', { a: 1, b: 1 })).text).toContain(REFUSED);

    // Fixed: fresh again, and the allow is back.
    writeInPlace(paths, config({ aliceDeny: [] }));
    await eventually(async () => (await readyz(gateway!)).body.config.generation === 3, 20_000);
    probe = await readyz(gateway);
    expect(probe.body.config.stale).toBe(false);
    expect(probe.body.config.error).toBeUndefined();
    expect(await callText(alice, 'echo_add', { a: 4, b: 5 })).toEqual({ text: '9', isError: false });
    expect(alive(gateway)).toBe(true);
  },
  TIMEOUT,
);

test(
  'HTTP: a changed server definition restarts that server only; a removed agent loses its token and its sessions',
  async () => {
    const paths = setUp(config());
    gateway = await startHttpGateway(paths);
    const alice = await connectHttp(gateway.url, 'token-alice');
    const bob = await connectHttp(gateway.url, 'token-bob');
    clients.push(alice, bob);
    const echoPid = (await callText(alice, 'echo_pid')).text;
    const otherPid = (await callText(alice, 'other_pid')).text;
    expect(await callText(bob, 'echo_echo', { text: 'hi' })).toEqual({ text: 'hi', isError: false });

    replaceByRename(paths, config({ otherArgs: ['--name', 'other-renamed'], withBob: false }));
    await eventually(async () => (await readyz(gateway!)).body.config.generation === 2, 20_000);
    // The restarted server comes up in the background; its new process answers the next calls.
    let newPid = otherPid;
    await eventually(async () => {
      const answer = await callText(alice, 'other_pid');
      if (!answer.isError) newPid = answer.text;
      return newPid !== otherPid;
    }, 20_000);
    expect(Number(newPid)).toBeGreaterThan(0);
    expect((await callText(alice, 'echo_pid')).text).toBe(echoPid);
    expect(alivePid(Number(otherPid))).toBe(false);
    expect(gateway.stderr()).toMatch(/agent "alice": restarting "other" \(config reloaded\)/);

    // bob is gone from the config: his token no longer opens anything, and his session was closed.
    const refused = await fetch(gateway.url, {
      method: 'POST',
      headers: { Authorization: 'Bearer token-bob', 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    expect(refused.status).toBe(401);
    expect((await callText(bob, 'echo_echo', { text: 'hi' })).isError).toBe(true);
  },
  TIMEOUT,
);

test(
  'HTTP: a call in flight finishes under the policy and on the process it started with',
  async () => {
    const paths = setUp(config());
    gateway = await startHttpGateway(paths);
    const alice = await connectHttp(gateway.url, 'token-alice');
    clients.push(alice);
    const oldPid = Number((await callText(alice, 'other_pid')).text);
    let progressed!: () => void;
    const started = new Promise<void>((resolve) => (progressed = resolve));
    // 20 steps over 4 s; the first progress says the call is running on the upstream.
    const slow = alice.callTool({ name: 'other_slow', arguments: { ms: 4000, steps: 20 } }, undefined, { onprogress: () => progressed(), timeout: 60_000 });
    await started;
    // The reload both denies the tool and changes the server's definition.
    replaceByRename(paths, config({ aliceDeny: ['other/slow'], otherArgs: ['--name', 'other-renamed'] }));
    await eventually(async () => (await readyz(gateway!)).body.config.generation === 2, 20_000);
    // The replaced process is kept while its call runs.
    expect(alivePid(oldPid)).toBe(true);
    expect(textOf(await slow)).toBe('done after 20 steps');
    await eventually(() => !alivePid(oldPid), 20_000);
    expect((await callText(alice, 'other_slow', { ms: 1 })).text).toContain('Unknown tool "other_slow"');
  },
  TIMEOUT,
);

test(
  'HTTP: with the watch off, SIGHUP reloads (and no longer stops the gateway)',
  async () => {
    const paths = setUp(config());
    gateway = await startHttpGateway(paths, { env: { MCP_WARDEN_WATCH: 'off' } });
    const alice = await connectHttp(gateway.url, 'token-alice');
    clients.push(alice);
    expect((await callText(alice, 'echo_add', { a: 1, b: 2 })).text).toBe('3');
    writeInPlace(paths, config({ aliceDeny: ['echo/add'] }));
    gateway.child.kill('SIGHUP');
    await eventually(async () => (await readyz(gateway!)).body.config.generation === 2, 20_000);
    expect(gateway.stderr()).toContain('config reloaded (SIGHUP): generation 2');
    expect((await callText(alice, 'echo_add', { a: 1, b: 2 })).text).toContain(REFUSED);
    expect(alive(gateway)).toBe(true);
  },
  TIMEOUT,
);

test(
  'stdio: a valid edit applies from the next call and the agent gets list_changed',
  async () => {
    const paths = setUp(config());
    let listChanged = 0;
    stdio = await connectStdio(paths, 'alice', {
      setup: (client) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (listChanged += 1)),
    });
    expect(await callText(stdio.client, 'echo_add', { a: 2, b: 2 })).toEqual({ text: '4', isError: false });
    const otherPid = (await callText(stdio.client, 'other_pid')).text;
    replaceByRename(paths, config({ aliceDeny: ['echo/add'] }));
    await eventually(() => stdio!.stderr().includes('config reloaded (file changed): generation 2'), 20_000);
    expect((await callText(stdio.client, 'echo_add', { a: 2, b: 2 })).text).toContain(REFUSED);
    await eventually(() => listChanged >= 1, 10_000);
    expect(await toolNames(stdio.client)).not.toContain('echo_add');
    expect((await callText(stdio.client, 'other_pid')).text).toBe(otherPid);
  },
  TIMEOUT,
);

test(
  'stdio: a reload that removes the one agent served stops the gateway, saying why',
  async () => {
    const paths = setUp(config());
    stdio = await connectStdio(paths, 'bob');
    expect(await callText(stdio.client, 'echo_echo', { text: 'hi' })).toEqual({ text: 'hi', isError: false });
    replaceByRename(paths, config({ withBob: false }));
    await eventually(() => !alivePid(stdio!.pid), 20_000);
    expect(stdio.stderr()).toContain('Agent "bob" is no longer defined in the reloaded config; stopping');
  },
  TIMEOUT,
);

function alive(running: HttpGateway): boolean {
  return running.child.exitCode === null && running.child.signalCode === null;
}

function alivePid(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
