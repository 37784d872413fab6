// A real headless agent through the gateway: Claude Code under `claude -p`, driven by a fake Messages
// API on loopback, calls a tool the profile asks about. Claude Code cancels the gateway's elicitation
// prompt at once (nobody can see it), the ticket keeps waiting, and `mcp-warden approvals approve`
// from the CLI lets the call through to the upstream. Claude Code is installed into a cache on first use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFakeAnthropicApi } from '../fixtures/fake-anthropic-api.mjs';
import { BIN, readAudit, readTickets, runWarden, waitForTicket, writeConfig, type StoredTicket } from './harness.js';

/** Shared with the other tests that run real clients; never deleted, so the download happens once. */
const CLIENTS = process.env.MCP_WARDEN_TEST_CLIENTS ?? join(homedir(), '.cache/mcp-warden-test/clients');
const CLAUDE = join(CLIENTS, 'node_modules/.bin/claude');
const TOOL = 'mcp__warden__echo_write_note';
const INPUT = { path: 'headless.md', text: 'from claude -p' };
/** What the gateway records when Claude Code dismisses the prompt (src/approval/channels/elicitation.ts). */
const DISMISSED = "elicitation: The agent's client dismissed the approval prompt without an answer, as a headless client does";

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo, stats]
agents:
  claude:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
environments:
  dev: { safety: full }
approval: { channels: [elicitation, console], timeout: 3m }
audit: { path: "{{dir}}/audit.jsonl" }
`;

/** Why the test cannot run here (the registry is unreachable), or undefined when Claude Code is installed. */
let unavailable: string | undefined;
const children: ChildProcess[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(() => {
  if (existsSync(CLAUDE)) return;
  mkdirSync(CLIENTS, { recursive: true });
  const install = spawnSync('npm', ['install', '--prefix', CLIENTS, '--no-audit', '--no-fund', '@anthropic-ai/claude-code'], { encoding: 'utf8', timeout: 280_000 });
  if (install.status === 0 && existsSync(CLAUDE)) return;
  const output = `${install.stdout}\n${install.stderr}\n${install.error?.message ?? ''}`;
  // Only an unreachable registry is a reason to skip; any other failure to install is a failure.
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network/i.test(output)) {
    unavailable = `npm could not reach the registry to install @anthropic-ai/claude-code into ${CLIENTS}: ${output.trim().split('\n').at(-1)}`;
    return;
  }
  throw new Error(`npm install @anthropic-ai/claude-code into ${CLIENTS} failed (exit ${install.status}):\n${output}`);
}, 300_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const close of closers) await close();
});

test('claude -p dismisses the prompt at once; the ticket keeps waiting, and `approvals approve` lets the call reach the upstream', async (context) => {
  if (unavailable) {
    context.skip(unavailable);
    return;
  }
  const config = writeConfig(CONFIG);
  const home = join(config.dir, 'home');
  mkdirSync(home);
  const api = await startFakeAnthropicApi({ toolName: TOOL, toolInput: INPUT });
  closers.push(() => api.close());
  const mcpConfig = join(config.dir, 'mcp.json');
  writeFileSync(
    mcpConfig,
    JSON.stringify({
      mcpServers: {
        warden: {
          type: 'stdio',
          command: process.execPath,
          args: [BIN, 'serve', '--config', config.file, '--agent', 'claude'],
          env: { MCP_WARDEN_STATE_DIR: join(config.dir, 'state'), MCP_WARDEN_CONSOLE_PORT: '0' },
        },
      },
    }),
  );

  const claude = spawn(
    CLAUDE,
    ['-p', 'Write the note.', '--mcp-config', mcpConfig, '--strict-mcp-config', '--allowedTools', TOOL, '--output-format', 'json', '--debug-file', join(config.dir, 'claude-debug.log')],
    {
      cwd: config.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Nothing of this machine's own: no CI (the gateway would go non-interactive), no real account.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        ANTHROPIC_BASE_URL: api.url,
        ANTHROPIC_API_KEY: 'test',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        // `claude -p` connects --mcp-config servers in the background and starts the first turn
        // without their tools; this makes it wait for them, up to MCP_CONNECT_TIMEOUT_MS (default 5 s).
        MCP_CONNECTION_NONBLOCKING: '0',
        MCP_CONNECT_TIMEOUT_MS: '60000',
      },
    },
  );
  children.push(claude);
  let stdout = '';
  let stderr = '';
  claude.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  claude.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => claude.once('close', (code) => resolve(code)));
  const diagnose = (): string => `claude stdout:\n${stdout}\nclaude stderr:\n${stderr}\nAPI requests: ${api.requests.length}, tool offered: ${api.offered(TOOL)}`;

  const ticket = await Promise.race([
    waitForTicket(config.dir, (t) => t.state === 'pending' && t.tool === 'write_note', 150_000),
    exited.then((code) => Promise.reject(new Error(`claude exited (${code}) before any ticket was opened\n${diagnose()}`))),
  ]);
  // Claude Code answered the prompt with cancel (observed with 2.1.197: "Elicitation request received
  // in print mode"); the gateway audits that as the channel failing, not as anyone's answer ...
  await expect.poll(() => readAudit(config.dir).some((r) => r.error === DISMISSED), { timeout: 30_000 }).toBe(true);
  // ... and the ticket is still pending, where before it was denied within milliseconds.
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)?.state).toBe('pending');
  expect(JSON.stringify(readAudit(config.dir))).not.toContain('The user dismissed');

  const listed = await runWarden(config.dir, ['approvals', 'list', '--json']);
  expect(listed.code).toBe(0);
  const pending = (JSON.parse(listed.stdout) as { pending: StoredTicket[] }).pending;
  expect(pending.map((t) => [t.id, t.tool, t.arguments])).toEqual([[ticket.id, 'write_note', INPUT]]);
  const approved = await runWarden(config.dir, ['approvals', 'approve', ticket.id]);
  expect(approved.code, approved.stderr).toBe(0);

  expect(await exited, diagnose()).toBe(0);
  const result = JSON.parse(stdout) as { is_error: boolean; result: string };
  expect(result.is_error).toBe(false);
  // The echo fixture's own answer: the upstream ran the call.
  expect(result.result).toContain(`would write ${INPUT.text.length} characters to ${INPUT.path}`);
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)).toMatchObject({ state: 'approved', answer: { channel: 'cli' } });
  expect(readAudit(config.dir).filter((r) => r.event === 'call').map((r) => [r.tool, r.approval?.channel])).toEqual([['echo/write_note', 'cli']]);
  expect(readFileSync(join(config.dir, 'claude-debug.log'), 'utf8')).toContain('Elicitation request received');
}, 280_000);
