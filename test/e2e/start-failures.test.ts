// Upstreams that fail to start, end to end: a server that fails its first starts joins the catalog
// when it comes up (the agent is told with list_changed); a call to a server that is down says why
// and when it is retried; a server that never answers initialize holds up neither the agent's
// initialize nor the other servers; and `required: true` makes the gateway exit 1 with the reason.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { BIN, connectHttp, connectStdio, eventually, gatewayEnv, readableStderr, startHttpGateway, textOf, writeConfig } from './harness.js';

const ECHO = `
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]`;

/** A server that dies at its first `failStarts` starts with a Node stack trace, then works. */
function flaky(failStarts: number, extra = ''): string {
  return `
  flaky:
    command: node
    args: ["{{fixtures}}/flaky-start-server.mjs", "--fail-starts", "${failStarts}", "--counter", "{{dir}}/starts", "--message", "cannot reach the license server"]${extra}`;
}

const AGENTS = `
agents:
  dev:
    extends: [eval]
    deny: ["flaky/secret*"]
  http-dev:
    extends: [eval]
    token: dev-token
environments:
  dev: { safety: full, audit: false }
`;

function starts(dir: string): number {
  try {
    return Number(readFileSync(join(dir, 'starts'), 'utf8'));
  } catch {
    return 0;
  }
}

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((tool) => tool.name);
}

test('stdio: a server that fails its first starts is retried, joins the catalog, and the agent gets list_changed', async () => {
  const config = writeConfig(`servers:${ECHO}${flaky(4)}\n${AGENTS}`);
  // What the agent sees when it lists again on each list_changed, as clients do.
  const listedOnChange: string[][] = [];
  const conn = await connectStdio(config, 'dev', {
    setup: (client) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listedOnChange.push(await toolNames(client))),
  });
  try {
    await eventually(() => listedOnChange.some((names) => names.includes('flaky_echo')), 20_000);
    expect(await toolNames(conn.client)).toEqual(expect.arrayContaining(['flaky_echo', 'echo_echo']));
    const result = await conn.client.callTool({ name: 'flaky_echo', arguments: { text: 'back' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('back');
    // Four failed starts and the one that worked; no more.
    expect(starts(config.dir)).toBe(5);
  } finally {
    await conn.close();
  }
});

test('HTTP: a server that fails its first starts is retried, joins the catalog of its session, and the agent gets list_changed', async () => {
  const config = writeConfig(`servers:${ECHO}${flaky(4)}\n${AGENTS}`);
  const gateway = await startHttpGateway(config);
  // Over HTTP the notification travels on the GET stream, which the SDK client opens after initialize.
  const listedOnChange: string[][] = [];
  const client = await connectHttp(gateway.url, 'dev-token', {
    setup: (c) => c.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listedOnChange.push(await toolNames(c))),
  });
  try {
    await eventually(() => listedOnChange.some((names) => names.includes('flaky_echo')), 20_000);
    expect(textOf(await client.callTool({ name: 'flaky_echo', arguments: { text: 'over http' } }))).toBe('over http');
    expect(starts(config.dir)).toBe(5);
  } finally {
    await client.close();
    await gateway.stop();
  }
});

test('a call to a server that cannot start says which server, why, and when it is retried; nothing else leaks', async () => {
  const config = writeConfig(`servers:${ECHO}${flaky(1000, `
    env: { LICENSE_KEY: "sk-very-secret-value" }`)}\n${AGENTS}`);
  const conn = await connectStdio(config, 'dev');
  try {
    const result = await conn.client.callTool({ name: 'flaky_echo', arguments: { text: 'x' } });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    console.log(`agent sees: ${text}`);
    expect(text).toMatch(
      /^Upstream "flaky" is unavailable: exited with code 1 before answering "initialize"\. (mcp-warden tries to start it again (now|in \d+(\.\d)? s)|A new attempt to start it is under way); its tools appear once it is up, and the agent is told with notifications\/tools\/list_changed$/,
    );
    // Nothing of its stderr (the operator's log has it), the command line or the environment.
    expect(text).not.toContain('cannot reach the license server');
    expect(text).not.toContain('Node.js v');
    expect(text).not.toContain('flaky-start-server.mjs');
    expect(text).not.toContain('command "');
    expect(text).not.toContain('sk-very-secret-value');
    // The server is retried in the background meanwhile.
    await eventually(() => starts(config.dir) >= 4, 20_000);
    // A name of no server, and a tool of that server this agent may not use, stay unknown.
    await expect(conn.client.callTool({ name: 'nothing_here', arguments: {} })).rejects.toThrow(/Unknown tool "nothing_here"/);
    await expect(conn.client.callTool({ name: 'flaky_secret_dump', arguments: {} })).rejects.toThrow(/Unknown tool "flaky_secret_dump"/);
    // The other server is unaffected.
    expect(textOf(await conn.client.callTool({ name: 'echo_echo', arguments: { text: 'fine' } }))).toBe('fine');
  } finally {
    await conn.close();
  }
});

test('a missing command is reported as such to the agent, without the command', async () => {
  const config = writeConfig(`servers:${ECHO}
  ghost:
    command: nonexistent-command-for-warden-tests
\n${AGENTS}`);
  const conn = await connectStdio(config, 'dev');
  try {
    const text = textOf(await conn.client.callTool({ name: 'ghost_anything', arguments: {} }));
    expect(text).toMatch(/^Upstream "ghost" is unavailable: command not found\. /);
    expect(text).not.toContain('nonexistent-command-for-warden-tests');
  } finally {
    await conn.close();
  }
});

const SILENT = `
  silent:
    command: node
    args: ["{{fixtures}}/silent-server.mjs"]`;

test('stdio: a server that never answers initialize holds up neither the agent\'s initialize nor the other servers', async () => {
  const config = writeConfig(`servers:${ECHO}${SILENT}\n${AGENTS}`);
  const started = performance.now();
  const conn = await connectStdio(config, 'dev');
  const initializeMs = performance.now() - started;
  console.log(`stdio: gateway spawned and initialize answered in ${initializeMs.toFixed(0)} ms (silent upstream times out after 30 s)`);
  try {
    expect(initializeMs).toBeLessThan(5_000);
    const capabilities = conn.client.getServerCapabilities()!;
    expect(capabilities.tools).toEqual({ listChanged: true });
    // What the silent server might offer once it answers is announced, so it can be relayed then.
    expect(capabilities.resources).toBeDefined();
    expect(capabilities.prompts).toBeDefined();
    const listed = performance.now();
    expect(await toolNames(conn.client)).toContain('echo_echo');
    console.log(`stdio: first tools/list answered in ${(performance.now() - listed).toFixed(0)} ms`);
    expect(performance.now() - listed).toBeLessThan(15_000);
    expect(textOf(await conn.client.callTool({ name: 'echo_echo', arguments: { text: 'not held up' } }))).toBe('not held up');
    const silent = await conn.client.callTool({ name: 'silent_anything', arguments: {} });
    expect(silent.isError).toBe(true);
    expect(textOf(silent)).toMatch(/^Upstream "silent" is still starting; /);
  } finally {
    await conn.close();
  }
});

test('HTTP: a server that never answers initialize does not hold up the agent\'s initialize', async () => {
  const config = writeConfig(`servers:${ECHO}${SILENT}\n${AGENTS}`);
  const gateway = await startHttpGateway(config);
  try {
    const started = performance.now();
    const client = await connectHttp(gateway.url, 'dev-token');
    const initializeMs = performance.now() - started;
    console.log(`HTTP: initialize answered in ${initializeMs.toFixed(0)} ms (silent upstream times out after 30 s)`);
    expect(initializeMs).toBeLessThan(5_000);
    expect(await toolNames(client)).toContain('echo_echo');
    await client.close();
  } finally {
    await gateway.stop();
  }
});

test('required: true makes the gateway exit 1 with the reason when the server cannot start', async () => {
  const config = writeConfig(`servers:${ECHO}${flaky(1000, `
    required: true`)}\n${AGENTS}`);
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config.file, '--agent', 'dev'], {
    cwd: config.dir,
    env: gatewayEnv(config.dir),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdin.write(
    `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'ci', version: '1' } } })}\n`,
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    expect(await exited).toBe(1);
    expect(readableStderr(stderr)).toMatch(/mcp-warden: Required upstream "flaky" cannot start: command "node" exited with code 1 before answering "initialize"; its stderr said "Error: cannot reach the license server"; stopping/);
    // It stopped at the first failure rather than retrying.
    expect(starts(config.dir)).toBe(1);
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
});
