// init + connect against the real Claude Code and OpenCode binaries, each run with a temporary HOME:
// a fixture server configured directly in the client ends up behind the gateway, and the client's own
// `mcp list` shows the gateway entry alone, connected. The clients are installed on first use into
// ~/.cache/mcp-warden-test/clients (not dependencies of the package); the test skips, saying why, only
// when the registry cannot be reached.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN, fixture } from './harness.js';

const run = promisify(execFile);
const CACHE = join(homedir(), '.cache', 'mcp-warden-test', 'clients');
const CLAUDE = join(CACHE, 'node_modules', '.bin', 'claude');
const OPENCODE = join(CACHE, 'node_modules', '.bin', 'opencode');
const ECHO = fixture('echo-server.mjs');
let unavailable: string | undefined;

beforeAll(async () => {
  if (existsSync(CLAUDE) && existsSync(OPENCODE)) return;
  mkdirSync(CACHE, { recursive: true });
  try {
    await run('npm', ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '@anthropic-ai/claude-code', 'opencode-ai'], { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const text = `${(error as Error).message}\n${(error as { stderr?: string }).stderr ?? ''}`;
    // Only an unreachable registry is a reason to skip; any other install failure fails the test.
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network/i.test(text)) unavailable = `npm registry unreachable, cannot install the clients: ${text.split('\n')[0]}`;
    else throw error;
  }
}, 600_000);

/** A temporary HOME and project; the environment the clients and mcp-warden run with there. */
function person(extra: Record<string, string> = {}) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'warden-clients-')));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(home);
  mkdirSync(project);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    ...extra,
  };
  const exec = async (file: string, args: string[]) => {
    const { stdout, stderr } = await run(file, args, { cwd: project, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  };
  return { home, project, env, exec, warden: (args: string[]) => exec(process.execPath, [BIN, ...args]) };
}

/** The gateway's tools, reached through the exact command the client was given. */
async function toolsBehind(command: string, args: string[], env: Record<string, string>): Promise<string[]> {
  const client = new Client({ name: 'real-clients-test', version: '1' });
  await client.connect(new StdioClientTransport({ command, args, env, stderr: 'ignore' }));
  try {
    return (await client.listTools()).tools.map((tool) => tool.name).sort();
  } finally {
    await client.close();
  }
}

test('Claude Code: after init --from claude-code && connect claude-code, `claude mcp list` shows only the gateway, connected', async (ctx) => {
  if (unavailable) ctx.skip(unavailable);
  const box = person({ ECHO_API_KEY: 'fixture-secret' });
  // As Claude Code writes it for `claude mcp add echo -e ECHO_API_KEY=... -- node echo-server.mjs`
  // in a folder whose trust dialog the person accepted.
  writeFileSync(
    join(box.home, '.claude.json'),
    JSON.stringify({ projects: { [box.project]: { hasTrustDialogAccepted: true, mcpServers: { echo: { type: 'stdio', command: process.execPath, args: [ECHO], env: { ECHO_API_KEY: 'fixture-secret' } } } } } }),
  );
  expect(await box.exec(CLAUDE, ['mcp', 'list'])).toMatch(/^echo: .*echo-server\.mjs - ✔ Connected$/m);

  const init = await box.warden(['init', '--from', 'claude-code']);
  expect(init).toContain('export ECHO_API_KEY=...   # echo env ECHO_API_KEY, moved out of the client config');
  expect(readFileSync(join(box.project, 'gateway.yaml'), 'utf8')).not.toContain('fixture-secret');
  await box.warden(['connect', 'claude-code']);

  const list = await box.exec(CLAUDE, ['mcp', 'list']);
  const servers = list.split('\n').filter((line) => / - /.test(line));
  expect(servers).toHaveLength(1);
  expect(servers[0]).toMatch(/^warden-stdio: .*mcp-warden\.js serve --config .*gateway\.yaml --agent claude-code - ✔ Connected$/);

  const entry = (JSON.parse(readFileSync(join(box.project, '.mcp.json'), 'utf8')) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers['warden-stdio']!;
  expect(await toolsBehind(entry.command, entry.args, box.env)).toContain('echo_echo');
}, 300_000);

test('OpenCode: after init --from opencode && connect opencode, `opencode mcp list` shows only the gateway, connected', async (ctx) => {
  if (unavailable) ctx.skip(unavailable);
  const box = person();
  writeFileSync(
    join(box.project, 'opencode.jsonc'),
    `{
  // configured directly, as a user would before mcp-warden
  "$schema": "https://opencode.ai/config.json",
  "mcp": { "echo": { "type": "local", "command": [${JSON.stringify(process.execPath)}, ${JSON.stringify(ECHO)}], "enabled": true } },
}`,
  );
  expect(await box.exec(OPENCODE, ['mcp', 'list'])).toMatch(/✓ echo connected/);

  await box.warden(['init', '--from', 'opencode']);
  await box.warden(['connect', 'opencode']);

  const list = await box.exec(OPENCODE, ['mcp', 'list']);
  expect(list).toMatch(/✓ warden-stdio connected/);
  expect(list).not.toMatch(/\becho connected/);
  expect(list).toMatch(/1 server\(s\)/);

  const config = JSON.parse(readFileSync(join(box.project, 'opencode.jsonc'), 'utf8')) as { mcp: Record<string, { command: string[] }>; permission: Record<string, string> };
  expect(config.permission).toEqual({ 'warden-stdio_*': 'allow' });
  const [command, ...args] = config.mcp['warden-stdio']!.command;
  expect(await toolsBehind(command!, args, box.env)).toContain('echo_echo');
}, 300_000);
