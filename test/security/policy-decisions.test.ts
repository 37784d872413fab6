// Attacks on the decision itself: tool-name tricks, glob edge cases, safety with lying annotations,
// ceilings, bash_only, environments, and dangerous-pattern (ask) evasion. Each row goes through the
// same path as the pipeline: the real config loader, the real inspector, then `decide`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { compilePolicy, decide, visibility, type ToolAnnotations } from '../../src/policy/index.js';
import { createInspector, initParsers } from '../../src/inspect/index.js';

beforeAll(async () => {
  await initParsers();
});

const YAML = `
servers:
  fs: { command: node, args: [x], readonly: [read_*, list_*] }
  gh: { command: node, args: [x] }
  up: { command: node, args: [x] }
  trusted_up: { command: node, args: [x], trusted: true }
  sh: { command: node, args: [x], kind: shell }
profiles:
  base:
    allow: ["fs/*", "gh/*", "up/*", "trusted_up/*", "sh/*"]
    ask: ["gh/merge_pull_request"]
    deny: ["*/delete*", "sh/run_as_root", "fs/secret.read"]
agents:
  agent:
    extends: [base]
  safe-agent:
    extends: [base]
    safety: safe
  dev:
    extends: [developer]
  bash:
    extends: [developer-bash-only]
  negated:
    allow: ["**"]
    deny: ["fs/write_file"]
  capped:
    extends: [eval]
  other:
    extends: [eval]
environments:
  dev: { safety: full }
  prod: { safety: standard, agents: [agent] }
policy:
  ceilings: { "*/drop_*": deny, "gh/push*": ask }
approval:
  channels: [elicitation]
`;

const dir = mkdtempSync(join(tmpdir(), 'warden-sec-policy-'));
const config = parseConfig(YAML, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
const inspector = createInspector();

async function verdict(agent: string, qualified: string, args: Record<string, unknown> = {}, options: { environment?: string; annotations?: ToolAnnotations } = {}) {
  const effective = config.policyFor(agent, options.environment ?? 'dev');
  const compiled = compilePolicy(effective);
  const slash = qualified.indexOf('/');
  const server = qualified.slice(0, slash);
  const tool = qualified.slice(slash + 1);
  const serverConfig = config.servers[server];
  const inspection = serverConfig
    ? await inspector.inspect(serverConfig, tool, args, { dangerousPatterns: effective.approval.dangerousPatterns.map((rule) => rule.pattern) })
    : undefined;
  return decide(compiled, { server, tool, arguments: args, annotations: options.annotations, inspection });
}

// ---------------------------------------------------------------------------------------------
// Findings: dangerous patterns (the only "ask" an unrestricted shell gets under the built-in
// developer profile) are evaded, so the call is forwarded without a human.
// ---------------------------------------------------------------------------------------------

// GNU getopt_long accepts any unambiguous prefix of a long option: `--forc` is `--force`,
// `--recur` is `--recursive`. The canonical form only maps the exact names.
test('regression: developer: `rm --recur --forc /` (abbreviated long flags) matches "rm -rf" and asks', async () => {
  expect((await verdict('dev', 'sh/run', { command: 'rm --recur --forc /' })).verdict).toBe('ask');
});

test('regression: developer: `chmod --recur 777 /` matches "chmod -R 777" and asks', async () => {
  expect((await verdict('dev', 'sh/run', { command: 'chmod --recur 777 /' })).verdict).toBe('ask');
});

// A flag produced by an expansion is invisible to both the text and the parsed match; a command
// whose program is a pattern's program and whose flags cannot be known should count as a match.
test('regression: developer: `rm -r $(printf -- -f) /` (flag hidden in a substitution) asks', async () => {
  expect((await verdict('dev', 'sh/run', { command: 'rm -r $(printf -- -f) /' })).verdict).toBe('ask');
});

test('regression: developer: `bash -c -- "rm -r -i -f /"` (script after `--`) asks', async () => {
  // bash -c -- SCRIPT runs SCRIPT; -f after -i wins, so this is rm -rf /.
  expect((await verdict('dev', 'sh/run', { command: 'bash -c -- "rm -r -i -f /"' })).verdict).toBe('ask');
});

// ---------------------------------------------------------------------------------------------
// Regression suite: names
// ---------------------------------------------------------------------------------------------

const NAMES: Array<[agent: string, name: string, expected: 'allow' | 'ask' | 'deny']> = [
  ['agent', 'fs/delete_file', 'deny'],
  ['agent', 'fs/Delete_File', 'deny'],
  ['agent', 'fs/DELETE.all', 'deny'],
  ['agent', 'fs/delete', 'deny'],
  ['agent', 'sh/RUN_AS_ROOT', 'deny'],
  ['agent', 'fs/SECRET.READ', 'deny'],
  ['agent', 'gh/Merge_Pull_Request', 'ask'],
  ['agent', 'gh/MERGE_PULL_REQUEST', 'ask'],
  ['agent', 'fs/..', 'deny'],
  ['agent', 'fs/.delete', 'deny'],
  ['agent', 'fs/a/b', 'deny'],
  ['agent', 'fs/../sh/run_as_root', 'deny'],
  ['agent', 'fs/d\u0435lete_file', 'deny'], // Cyrillic "е"
  ['agent', 'fs/\uff44elete_file', 'deny'], // fullwidth "ｄ"
  ['agent', 'fs/delete_file\u200b', 'deny'],
  ['agent', 'fs/de\u200blete_file', 'deny'],
  ['agent', 'fs/read_file\u0000', 'deny'],
  ['agent', `fs/${'a'.repeat(129)}`, 'deny'],
  ['agent', 'FS/read_file', 'deny'],
  ['agent', 'nope/read_file', 'deny'],
  ['agent', '/read_file', 'deny'],
  ['agent', 'fs/', 'deny'],
  ['agent', 'gh/drop_database', 'deny'],
  ['agent', 'gh/DROP_table', 'deny'],
  ['capped', 'gh/drop_database', 'deny'],
  ['capped', 'gh/push_force', 'ask'],
  ['capped', 'gh/PUSH', 'ask'],
  ['bash', 'fs/read_file', 'deny'],
  ['bash', 'gh/list_issues', 'deny'],
  ['negated', 'fs/WRITE_FILE', 'deny'],
];

for (const [agent, name, expected] of NAMES) {
  test(`${agent}: ${JSON.stringify(name)} is ${expected}`, async () => {
    expect((await verdict(agent, name)).verdict).toBe(expected);
  });
}

test('an environment that lists agents denies every other agent, on every tool', async () => {
  expect((await verdict('agent', 'fs/read_file', {}, { environment: 'prod' })).verdict).toBe('allow');
  expect((await verdict('other', 'fs/read_file', {}, { environment: 'prod' })).verdict).toBe('deny');
  expect((await verdict('dev', 'sh/run', { command: 'ls' }, { environment: 'prod' })).verdict).toBe('deny');
});

test('a non-string server or tool is denied, never thrown', () => {
  const compiled = compilePolicy(config.policyFor('agent', 'dev'));
  expect(decide(compiled, { server: 42 as unknown as string, tool: 'x', arguments: {} }).verdict).toBe('deny');
  expect(decide(compiled, { server: 'fs', tool: { toString: () => 'read_file' } as unknown as string, arguments: {} }).verdict).toBe('deny');
  expect(decide(compiled, undefined as never).verdict).toBe('deny');
});

// ---------------------------------------------------------------------------------------------
// Regression suite: safety and annotations from an untrusted (malicious) upstream
// ---------------------------------------------------------------------------------------------

test('safety safe: an untrusted server claiming readOnlyHint on a destructive tool is still denied and hidden', async () => {
  const annotations = { readOnlyHint: true, destructiveHint: false };
  expect((await verdict('safe-agent', 'up/wipe_everything', {}, { annotations })).verdict).toBe('deny');
  const compiled = compilePolicy(config.policyFor('safe-agent', 'dev'));
  expect(visibility(compiled, 'up', 'wipe_everything', annotations).verdict).toBe('deny');
});

test('safety safe: a trusted server with readOnlyHint AND destructiveHint is a write, denied', async () => {
  expect((await verdict('safe-agent', 'trusted_up/wipe', {}, { annotations: { readOnlyHint: true, destructiveHint: true } })).verdict).toBe('deny');
  expect((await verdict('safe-agent', 'trusted_up/read_it', {}, { annotations: { readOnlyHint: true } })).verdict).toBe('allow');
});

test('safety safe: readOnlyHint given as a string "true" by a trusted server is not read-only', async () => {
  expect((await verdict('safe-agent', 'trusted_up/wipe', {}, { annotations: { readOnlyHint: 'true' as unknown as boolean } })).verdict).toBe('deny');
});

test('the readonly list is case-sensitive: READ_FILE is not on it, so safety safe denies it', async () => {
  expect((await verdict('safe-agent', 'fs/read_file')).verdict).toBe('allow');
  expect((await verdict('safe-agent', 'fs/READ_FILE')).verdict).toBe('deny');
});

test('environment safety standard asks for a write even when the profile says full', async () => {
  expect((await verdict('agent', 'gh/create_issue', {}, { environment: 'prod' })).verdict).toBe('ask');
});

// ---------------------------------------------------------------------------------------------
// Regression suite: dangerous patterns under developer (shell unrestricted)
// ---------------------------------------------------------------------------------------------

const DANGEROUS: string[] = [
  'rm -rf /',
  'rm -fr /',
  'rm -r -f /',
  'rm -R -f /',
  '/bin/rm --recursive --force /',
  '\\rm -r -f /',
  "'r'm -rf /",
  'sudo rm -fr /',
  'sudo -u root rm -rf /',
  'env FOO=1 rm -rf /',
  'echo / | xargs rm -rf',
  'find / -exec rm -rf {} +',
  "bash -c 'rm -rf /'",
  "sh -xc 'rm -rf /'",
  "eval 'rm -rf /'",
  'ls; $(rm -rf /)',
  'timeout 5 rm -rf /',
  'nice -n 5 rm -rf /',
  'git push --force origin main',
  'git push origin +main',
  'git push --force-with-lease',
  'git reset --hard HEAD~3',
  'chmod -R 777 /',
  'mkfs.ext4 /dev/sda',
  "psql -c 'DROP TABLE users'",
  'RM   -RF   /',
  'rm\u200b -rf /',
];

for (const command of DANGEROUS) {
  test(`developer: ${JSON.stringify(command)} asks (dangerous pattern)`, async () => {
    const decision = await verdict('dev', 'sh/run', { command });
    expect(decision.verdict).toBe('ask');
    expect(decision.reasons.some((reason) => reason.layer === 'approval')).toBe(true);
  });
}

test('developer: a dangerous pattern in an argv array asks', async () => {
  expect((await verdict('dev', 'sh/run', { args: ['rm', '-rf', '/'] })).verdict).toBe('ask');
});

test('developer: a dangerous pattern in a nested object key or value on a generic server asks', async () => {
  expect((await verdict('dev', 'gh/update', { deep: { deeper: [{ x: 'please DROP  TABLE users' }] } })).verdict).toBe('ask');
  expect((await verdict('dev', 'gh/update', { 'rm -rf /': true })).verdict).toBe('ask');
});

test('arguments too large to scan for dangerous patterns are denied, not allowed', async () => {
  expect((await verdict('dev', 'gh/update', { blob: 'a'.repeat(1024 * 1024 + 10) })).verdict).toBe('deny');
});
