// `mcp-warden audit` and `mcp-warden report`, the built CLI, against the audit log a real gateway
// (stdio, echo fixture) writes: the table, filters, --json, --follow seeing records written after it
// started (and a log created after it started), and the Markdown report into $GITHUB_STEP_SUMMARY.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BIN, connectStdio, eventually, writeConfig, type StdioConnection } from '../e2e/harness.js';

const CONFIG = `servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo]
    startup: eager
agents:
  bot:
    allow: ["echo/echo"]
    ask: ["echo/write_note"]
approval: { non_interactive: deny }
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
`;

const config = writeConfig(CONFIG);
const log = join(config.dir, 'audit.jsonl');
let gateway: StdioConnection;

/** Runs the built CLI in the config's directory (so ./gateway.yaml is found) with a clean environment. */
function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: config.dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Times differ on every run; the rest of the output is exact. */
const untimed = (text: string) => text.replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/g, '<time>');

/** `echo/echo` is allowed; `echo/write_note` asks, and with no human (--non-interactive) is denied. */
async function callBoth(text: string): Promise<void> {
  await gateway.client.callTool({ name: 'echo_echo', arguments: { text } });
  await gateway.client.callTool({ name: 'echo_write_note', arguments: { path: 'note.txt', text } });
}

// One follower started before the gateway exists, so before the log is created.
let follower: ReturnType<typeof spawn>;
let followed = '';
let followErr = '';

beforeAll(async () => {
  follower = spawn(process.execPath, [BIN, 'audit', '--follow', '--json', '--decision', 'allow'], { cwd: config.dir, env: { PATH: process.env.PATH ?? '' } });
  follower.stdout!.on('data', (chunk: Buffer) => (followed += chunk.toString()));
  follower.stderr!.on('data', (chunk: Buffer) => (followErr += chunk.toString()));
  await eventually(() => followErr.includes('waiting for'));
  gateway = await connectStdio(config, 'bot', { args: ['--non-interactive'] });
  await callBoth('first');
});

afterAll(async () => {
  follower.kill('SIGKILL');
  await gateway?.close();
});

test('--follow prints records appended after it started, to a log created after it started, and stops on SIGINT', async () => {
  await eventually(() => followed.includes('"first"'));
  await callBoth('second');
  await eventually(() => followed.includes('"second"'));
  const exited = new Promise<number | null>((resolve) => follower.once('exit', (code) => resolve(code)));
  follower.kill('SIGINT');
  expect(await exited).toBe(0);
  const records = followed.trim().split('\n').map((line) => JSON.parse(line) as { tool: string; decision: string; args: { text: string } });
  // --decision allow: only the echo calls, in order, none twice.
  expect(records.map((r) => `${r.tool} ${r.decision} ${r.args.text}`)).toEqual(['echo/echo allow first', 'echo/echo allow second']);
  expect(followErr).toBe(`mcp-warden: waiting for "${log}" to be created\n`);
});

test('the table: every record with decision, outcome and deciding rule; the path comes from the config', () => {
  const result = cli(['audit', '--tool', 'echo/*', '--since', '1h']);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  // Only the rows of the first round: the follow test may have added a second.
  expect(untimed(result.out).split('\n').slice(0, 5).join('\n')).toMatchInlineSnapshot(`
    "TIME (UTC)           AGENT     TOOL              DECISION  OUTCOME                                  RULE
    <time>  bot       echo/echo         allow     ok                                       allow: "echo/echo" (gateway.yaml:9:13)
    <time>  bot       echo/write_note   ask       ticket asked                             ask: "echo/write_note" (gateway.yaml:10:11)
    <time>  bot       echo/write_note   deny      ticket denied: nobody (non-interactive)  ask: "echo/write_note" (gateway.yaml:10:11)
    <time>  bot       echo/write_note   deny      denied: nobody (non-interactive)         ask: "echo/write_note" (gateway.yaml:10:11)"
  `);
});

test('filters and --json: the records as JSONL, unchanged', () => {
  const result = cli(['audit', '--json', '--decision', 'deny', '--agent', 'bot']);
  expect(result.code).toBe(0);
  const lines = result.out.trim().split('\n');
  const written = readFileSync(log, 'utf8').trim().split('\n').filter((line) => line.includes('"decision":"deny"'));
  expect(lines).toEqual(written);
  expect(lines.length).toBeGreaterThanOrEqual(2);
  // No match: the header alone.
  expect(cli(['audit', '--agent', 'nobody']).out).toMatch(/^TIME \(UTC\) +AGENT +TOOL +DECISION +OUTCOME +RULE\n$/);
});

test('a line that does not parse is reported with its line number on stderr, and the exit code is 1', () => {
  const file = join(config.dir, 'damaged.jsonl');
  writeFileSync(file, `${readFileSync(log, 'utf8').split('\n')[0]}\n{"time": "half a rec\n`);
  const result = cli(['audit', '--file', file]);
  expect(result.code).toBe(1);
  expect(result.out.split('\n')).toHaveLength(3);
  expect(result.err).toMatch(new RegExp(`^mcp-warden: ${file.replaceAll('.', '\\.')}:2: not JSON \\(`));
});

test('report appends Markdown to $GITHUB_STEP_SUMMARY and exits 0; a missing log is a clear error', () => {
  const summary = join(config.dir, 'summary.md');
  writeFileSync(summary, '# Earlier step\n');
  const result = cli(['report', '--file', 'audit.jsonl'], { GITHUB_STEP_SUMMARY: summary });
  expect(result.code).toBe(0);
  expect(result.out).toBe('');
  const text = readFileSync(summary, 'utf8');
  expect(text.startsWith('# Earlier step\n## mcp-warden audit report\n')).toBe(true);
  expect(untimed(text.split('### Asks')[1]!.split('\n').slice(0, 5).join('\n'))).toMatchInlineSnapshot(`
    " (2)

    | time | agent | tool | rule | source | result | answered by |
    |---|---|---|---|---|---|---|
    | <time> | \`bot\` | \`echo/write_note\` | \`ask: "echo/write_note"\` | gateway.yaml:10:11 | denied: no human (non-interactive) | nobody (non-interactive) |"
  `);

  const missing = cli(['report', '--file', 'nope.jsonl']);
  expect(missing.code).toBe(1);
  expect(missing.err).toBe(`mcp-warden: Audit log "${join(config.dir, 'nope.jsonl')}" does not exist: pass --file, or check audit.path and that the environment has audit: true\n`);
});

test('--help prints each command\'s usage and exits 0; a bad --decision or --since says what to give', () => {
  const auditHelp = cli(['audit', '--help']);
  expect(auditHelp.code).toBe(0);
  expect(auditHelp.out).toContain('Usage: mcp-warden audit');
  const reportHelp = cli(['report', '--help']);
  expect(reportHelp.code).toBe(0);
  expect(reportHelp.out).toContain('Usage: mcp-warden report');
  expect(cli(['audit', '--decision', 'maybe'])).toMatchObject({ code: 1, err: 'mcp-warden: Invalid --decision "maybe": use allow, ask or deny\n' });
  expect(cli(['audit', '--since', 'soon']).err).toContain('Invalid --since "soon"');
});

