// The stdio front end to end: a real SDK client, the built gateway as a child process, real fixture
// upstreams. Covers list filtering, allow, deny, ask without a human, unknown names and the audit log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { connectStdio, eventually, textOf, writeConfig, type StdioConnection, type AuditLine } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo, add]
  shell:
    command: node
    args: ["{{fixtures}}/shell-server.mjs"]
    kind: shell
profiles:
  limited:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
    deny: ["echo/fail", "echo/env"]
agents:
  dev:
    extends: [limited]
  guest:
    allow: ["echo/echo"]
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
approval: { channels: [elicitation] }
`;

let config: { dir: string; file: string };
let dev: StdioConnection;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  dev = await connectStdio(config, 'dev', { args: ['--non-interactive'] });
});
afterAll(async () => {
  await dev?.close();
});

test('tools/list shows only what the profile allows or asks for, with the upstream schema unchanged', async () => {
  const { tools } = await dev.client.listTools();
  const names = tools.map((tool) => tool.name).sort();
  expect(names).toContain('echo_echo');
  expect(names).toContain('echo_write_note');
  expect(names).not.toContain('echo_fail');
  expect(names).not.toContain('echo_env');
  expect(names.filter((name) => name.startsWith('shell_'))).toEqual([]);
  const echo = tools.find((tool) => tool.name === 'echo_echo')!;
  expect(echo.inputSchema.properties).toHaveProperty('text');
  expect(echo.annotations?.readOnlyHint).toBe(true);
});

test('an allowed call is forwarded and its result returned', async () => {
  const result = await dev.client.callTool({ name: 'echo_echo', arguments: { text: 'hello warden' } });
  expect(result.isError).toBeFalsy();
  expect(textOf(result)).toContain('hello warden');
});

test('a hidden tool is refused as unknown, without reaching the upstream', async () => {
  await expect(dev.client.callTool({ name: 'echo_fail', arguments: {} })).rejects.toThrow(/Unknown tool "echo_fail"/);
  await expect(dev.client.callTool({ name: 'shell_run', arguments: { command: 'ls' } })).rejects.toThrow(/Unknown tool/);
  await expect(dev.client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Unknown tool "nope"/);
});

test('an ask with no human to answer is denied with the reason', async () => {
  const result = await dev.client.callTool({ name: 'echo_write_note', arguments: { path: 'a.txt', text: 'x' } });
  expect(result.isError).toBe(true);
  const text = textOf(result);
  expect(text).toContain('mcp-warden denied the call to "echo/write_note"');
  expect(text).toMatch(/non-?interactive/i);
});

test('an agent with its own rules only sees what they allow', async () => {
  const guest = await connectStdio(config, 'guest', { args: ['--non-interactive'] });
  try {
    const { tools } = await guest.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['echo_echo']);
    await expect(guest.client.callTool({ name: 'echo_add', arguments: { a: 1, b: 2 } })).rejects.toThrow(/Unknown tool/);
  } finally {
    await guest.close();
  }
});

test('every call is audited with digest, decision, reasons and outcome', async () => {
  const path = join(config.dir, 'audit.jsonl');
  await eventually(() => {
    try {
      return readFileSync(path, 'utf8').includes('echo/write_note');
    } catch {
      return false;
    }
  });
  const records = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as AuditLine);
  const calls = records.filter((r) => r.event === 'call');
  const ok = calls.find((r) => r.tool === 'echo/echo' && r.outcome === 'ok');
  expect(ok).toMatchObject({ agent: 'dev', environment: 'dev', decision: 'allow', args: { text: 'hello warden' } });
  expect(ok!.args_sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(typeof ok!.duration_ms).toBe('number');
  expect(ok!.session).toBeTruthy();
  const asked = calls.find((r) => r.tool === 'echo/write_note');
  expect(asked).toMatchObject({ decision: 'deny', outcome: 'denied' });
  const unknown = calls.find((r) => r.tool === 'nope');
  const approvals = records.filter((r) => r.event === 'approval' && r.tool === 'echo/write_note');
  expect(approvals.map((r) => r.outcome)).toEqual(['asked', 'denied']);
  expect(approvals[1]).toMatchObject({ approval: { channel: 'non-interactive' } });
  expect(unknown).toMatchObject({ decision: 'deny', outcome: 'denied' });
});

test('a cancel with a hostile reason does not crash the gateway; the call is cancelled upstream and its id is free again', async () => {
  const answers: JSONRPCMessage[] = [];
  const sdkOnMessage = dev.transport.onmessage!;
  dev.transport.onmessage = (message: JSONRPCMessage) => {
    if ('id' in message && message.id === 'raw-1') answers.push(message);
    else sdkOnMessage(message);
  };
  try {
    const stats = async () => JSON.parse(textOf(await dev.client.callTool({ name: 'echo_stats', arguments: {} }))) as { cancelled: number };
    const before = (await stats()).cancelled;
    await dev.transport.send({ jsonrpc: '2.0', id: 'raw-1', method: 'tools/call', params: { name: 'echo_slow', arguments: { ms: 3000 } } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // `reason` must be a string; an object whose toString is not a function used to throw in the gateway.
    await dev.transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'raw-1', reason: { toString: 1 } } as never });
    await eventually(async () => (await stats()).cancelled === before + 1);
    expect(answers).toEqual([]); // a cancelled request is not answered
    await dev.transport.send({ jsonrpc: '2.0', id: 'raw-1', method: 'tools/call', params: { name: 'echo_echo', arguments: { text: 'again' } } });
    await eventually(() => answers.length === 1);
    expect(answers[0]).toEqual({ jsonrpc: '2.0', id: 'raw-1', result: { content: [{ type: 'text', text: 'again' }] } });
  } finally {
    dev.transport.onmessage = sdkOnMessage;
  }
});
