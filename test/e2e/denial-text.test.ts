// What the model reads when mcp-warden refuses, end to end: the built gateway started the way a
// client starts it (cwd elsewhere, --config pointing at a file in another directory), a real SDK
// client, real upstreams. No local path of the gateway's installation or config reaches the model,
// the text says it is a policy decision and what to do instead, and the error prefix appears once.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FILESYSTEM, connectStdio, sourceIn, textOf, writeConfig, type StdioConnection } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
  fs:
    command: node
    args: ["${FILESYSTEM}", "{{workspace}}"]
    kind: filesystem
profiles:
  careful:
    allow: ["echo/*", "fs/*", "resource:echo/**"]
    ask: ["echo/write_note"]
    deny: ["resource:echo/fixture://greeting/mallory"]
    file_write: create-only
agents:
  dev:
    extends: [careful]
environments:
  dev: { safety: full, audit: true }
approval: { channels: [elicitation], non_interactive: deny }
`;

/** The closing sentence of every policy refusal. */
const NEXT_STEP = 'This is a policy decision by mcp-warden, not an error: do not retry the same call; ask the user to approve it, or use another tool.';

let config: { dir: string; file: string };
let workspace: string;
let dev: StdioConnection;

beforeAll(async () => {
  // The workspace and the gateway's cwd are outside the config's directory, so a source shown
  // relative to the cwd (or absolute) would name the config's directory.
  workspace = mkdtempSync(join(tmpdir(), 'warden-denial-ws-'));
  writeFileSync(join(workspace, 'notes.txt'), 'old\n');
  const cwd = mkdtempSync(join(tmpdir(), 'warden-denial-cwd-'));
  mkdirSync(join(cwd, 'project'));
  config = writeConfig(CONFIG.replaceAll('{{workspace}}', workspace));
  dev = await connectStdio(config, 'dev', { args: ['--non-interactive'], cwd: join(cwd, 'project') });
});
afterAll(async () => {
  await dev?.close();
});

test('an ask no human can answer: config-relative source, the approval reason, then the next step', async () => {
  const result = await dev.client.callTool({ name: 'echo_write_note', arguments: { path: 'a.txt', text: 'x' } });
  expect(result.isError).toBe(true);
  const lines = textOf(result).split('\n');
  expect(lines[0]).toBe('mcp-warden denied the call to "echo/write_note".');
  expect(lines[1]).toMatch(/^- .* \[name: ask: "echo\/write_note" at gateway\.yaml:\d+:\d+\]$/);
  expect(lines[1]).toContain(`at ${sourceIn(CONFIG, 'ask:', '"echo/write_note"')}]`);
  expect(lines[2]).toMatch(/^Approval was not given: .*non-interactively/);
  expect(lines.at(-1)).toBe(NEXT_STEP);
  expect(textOf(result)).not.toContain(config.dir);
});

test('a file inspection denial names the rule as gateway.yaml:LINE:COL, never the config directory', async () => {
  const target = join(workspace, 'notes.txt');
  const result = await dev.client.callTool({ name: 'fs_write_file', arguments: { path: target, content: 'new\n' } });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toBe(
    [
      'mcp-warden denied the call to "fs/write_file".',
      `- file_write create-only: "${target}" already exists [inspection: file_write: create-only at ${sourceIn(CONFIG, 'file_write', 'create-only')}]`,
      NEXT_STEP,
    ].join('\n'),
  );
});

test('a denied resource read is one JSON-RPC error with one "MCP error" prefix and the same text', async () => {
  const error = await dev.client.readResource({ uri: 'fixture://greeting/mallory' }).then(
    () => undefined,
    (failure: Error) => failure,
  );
  expect(error?.message).toBe(
    [
      'MCP error -32600: mcp-warden denied the call to "resource:echo/fixture://greeting/mallory".',
      `- "resource:echo/fixture://greeting/mallory" matches the deny rule "resource:echo/fixture://greeting/mallory" [name: deny: "resource:echo/fixture://greeting/mallory" at ${sourceIn(CONFIG, 'deny:', '"resource:echo')}]`,
      NEXT_STEP,
    ].join('\n'),
  );
});

test('an unknown tool is refused once-prefixed, saying what to do instead', async () => {
  await expect(dev.client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({
    code: -32602,
    message: 'MCP error -32602: Unknown tool "nope": it does not exist or this agent may not use it. Do not retry it; use a tool from tools/list, or ask the user.',
  });
});

test("an upstream's own JSON-RPC error reaches the agent with one prefix, as from the server directly", async () => {
  const error = await dev.client.callTool({ name: 'echo_throw', arguments: {} }).then(
    () => undefined,
    (failure: Error) => failure,
  );
  expect(error?.message).toMatch(/^MCP error -32099: /);
  expect(error?.message).not.toMatch(/MCP error -?\d+: MCP error/);
});
