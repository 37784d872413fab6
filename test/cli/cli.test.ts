// The CLI contract of README's "The CLI": check, explain, profile and test, run in process with captured
// output; plus the real binary for exit codes and the absence of stack traces.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { BIN } from '../e2e/harness.js';

const CONFIG = `servers:
  fs:
    command: node
    args: [server.js, ./ws]
    kind: filesystem
    readonly: [read_*, list_*]
  github:
    url: https://example.com/mcp
profiles:
  base:
    allow: ["fs/*", "github/*"]
    ask: [github/merge_pull_request]
    deny: ["*/delete*"]
agents:
  claude-code:
    extends: [base]
    deny: [github/push]
  ci:
    extends: [eval]
environments:
  dev: { safety: full }
  prod: { safety: safe, agents: [claude-code] }
`;

function setup(config = CONFIG) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, config);
  return { dir, file };
}

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => void out.push(t), err: (t) => void err.push(t), env: {}, cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('check accepts a valid config', async () => {
  const { dir, file } = setup();
  const result = await run(['check', '--config', file], dir);
  expect(result.code).toBe(0);
  expect(result.out).toContain('ok (2 servers, 2 agents, 2 environments)');
});

test('check reports every problem as FILE:LINE:COL and exits 1', async () => {
  const { dir, file } = setup(`servers:
  fs: { command: node, bogus: 1 }
agents:
  a: { extends: [redonly] }
`);
  const result = await run(['check', '--config', file], dir);
  expect(result.code).toBe(1);
  const lines = result.err.split('\n');
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const line of lines) expect(line).toMatch(/^gateway\.yaml:\d+:\d+ /);
  expect(result.err).toContain('bogus');
  expect(result.err).toContain('did you mean "readonly"');
});

test.each([
  [['claude-code', 'fs/read_file', '{}'], 'allow'],
  [['claude-code', 'github/delete_repo', '{}'], 'deny'],
  [['claude-code', 'GitHub/Delete_Repo', '{}'], 'deny'],
  [['claude-code', 'github/merge_pull_request', '{}'], 'ask'],
  [['claude-code', 'github/push', '{}'], 'deny'],
  [['claude-code', 'slack/post', '{}'], 'deny'],
  [['ci', 'github/delete_repo', '{}'], 'allow'],
])('explain --json %j → %s', async ([agent, tool, args], expected) => {
  const { dir, file } = setup();
  const result = await run(['explain', '--config', file, '--agent', agent!, '--tool', tool!, '--args', args!, '--json'], dir);
  expect(result.code).toBe(0);
  const parsed = JSON.parse(result.out) as { decision: string; reasons: object[] };
  expect(parsed.decision).toBe(expected);
  expect(Array.isArray(parsed.reasons)).toBe(true);
  for (const reason of parsed.reasons) expect(Object.keys(reason)).toEqual(expect.arrayContaining(['layer', 'rule', 'source', 'message']));
});

test('explain names the rule and where it was written', async () => {
  const { dir, file } = setup();
  const result = await run(['explain', '--config', file, '--agent', 'claude-code', '--tool', 'github/delete_repo'], dir);
  expect(result.out).toContain('DENY');
  expect(result.out).toContain('*/delete*');
  expect(result.out).toMatch(/gateway\.yaml:13:\d+/);
});

test('explain in an environment that does not list the agent denies', async () => {
  const { dir, file } = setup();
  const result = await run(['explain', '--config', file, '--env', 'prod', '--agent', 'ci', '--tool', 'fs/read_file', '--json'], dir);
  expect((JSON.parse(result.out) as { decision: string }).decision).toBe('deny');
});

test.each([
  [['--agent', 'nobody', '--tool', 'fs/read_file'], /Unknown agent "nobody"/],
  [['--agent', 'claude-code', '--tool', 'fs/read_file', '--args', '{not json'], /not valid JSON/],
  [['--agent', 'claude-code', '--tool', 'fs/read_file', '--args', '[1]'], /must be a JSON object/],
  [['--agent', 'claude-code', '--tool', 'read_file'], /must be written "server\/tool"/],
  [['--agent', 'claude-code'], /Missing required option "--tool"/],
  [['--agent', 'claude-code', '--tool', 'fs/x', '--bogus'], /Unknown option '--bogus'/],
  [['--agent', 'claude-code', '--tool', 'fs/x', '--env', 'mars'], /Unknown environment "mars"/],
])('explain with bad input %j exits 1 with one clear message', async (args, message) => {
  const { dir, file } = setup();
  const result = await run(['explain', '--config', file, ...args], dir);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(message);
  expect(result.err).not.toMatch(/\n\s+at /);
});

test('profile shows every rule and setting with its source', async () => {
  const { dir, file } = setup();
  const result = await run(['profile', '--config', file, '--agent', 'claude-code'], dir);
  expect(result.code).toBe(0);
  expect(result.out).toMatch(/"\*\/delete\*"\s+\(gateway\.yaml:13:\d+\)/);
  expect(result.out).toMatch(/"github\/push"\s+\(gateway\.yaml:17:\d+\)/);
  expect(result.out).toContain('shell: "unrestricted"  (default)');
  const json = JSON.parse((await run(['profile', '--config', file, '--agent', 'claude-code', '--json'], dir)).out) as { deny: Array<{ pattern: string }> };
  expect(json.deny.map((r) => r.pattern)).toEqual(expect.arrayContaining(['*/delete*', 'github/push']));
});

test('test runs policy tests and exits 1 on a mismatch', async () => {
  const { dir, file } = setup();
  const tests = join(dir, 'policy-tests.yaml');
  writeFileSync(
    tests,
    `- { agent: claude-code, tool: fs/read_file, expect: allow }
- { name: no deletes, agent: claude-code, tool: github/delete_repo, expect: deny }
- { agent: claude-code, tool: fs/read_file, environment: prod, expect: allow }
- { agent: ci, tool: fs/write_file, environment: prod, expect: deny }
`,
  );
  const ok = await run(['test', '--config', file, tests], dir);
  expect(ok.out).toContain('4 passed, 0 failed');
  expect(ok.code).toBe(0);
  writeFileSync(tests, `- { name: wrong on purpose, agent: claude-code, tool: github/delete_repo, expect: allow }\n`);
  const failed = await run(['test', '--config', file, tests], dir);
  expect(failed.code).toBe(1);
  expect(failed.out).toContain('FAIL wrong on purpose: expected allow, got deny');
  expect(failed.out).toContain('0 passed, 1 failed');
});

test('test rejects a malformed tests file', async () => {
  const { dir, file } = setup();
  const tests = join(dir, 'bad.yaml');
  writeFileSync(tests, `- { agent: claude-code, tool: fs/read_file, expect: maybe }\n`);
  const result = await run(['test', '--config', file, tests], dir);
  expect(result.code).toBe(1);
  // Located since issue 12: FILE:LINE:COL and the key path, as `check` reports config problems.
  expect(result.err).toMatch(/bad\.yaml:1:\d+ \[0\]\.expect: /);
});

test('the real binary: malformed YAML gives a located message, exit 1, no stack trace', () => {
  const { dir, file } = setup('servers:\n  fs: { command: node\n');
  const run = spawnSync(process.execPath, [BIN, 'check', '--config', file], { cwd: dir, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^gateway\.yaml:\d+:\d+ /m);
  expect(run.stderr).not.toMatch(/\n\s+at /);
});

test('the real binary: a missing config file is one clear message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  const run = spawnSync(process.execPath, [BIN, 'check'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/gateway\.yaml/);
});
