// `check` warns (exit 0), and with --strict fails, when a rule names a server the config does not
// define: such a rule matches nothing, so a deny written for "filesystem" beside "fs" denies nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../e2e/harness.js';
import { runCli } from './run-cli.js';

const CONFIG = `servers:
  fs: { command: node }
  github: { url: https://example.com/mcp }
profiles:
  base:
    deny: ["filesystem/write_file", "*/delete*", "fs*/x", "resource:gitub/repo://**"]
    approval: { required_tools: ["fs/write_file", "gihub/push"] }
agents:
  a:
    extends: [base]
    allow: ["fs/*", "prompt:nope/greet", "**"]
policy:
  ceilings:
    "shell/*": deny
`;

function setup(text = CONFIG) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-check-'));
  writeFileSync(join(dir, 'gateway.yaml'), text);
  return dir;
}

test('each rule naming an unknown server is a located warning with a suggestion; exit 0', async () => {
  const dir = setup();
  const result = await runCli(['check'], dir);
  expect(result.code).toBe(0);
  expect(result.err.split('\n')).toEqual([
    'warning: gateway.yaml:6:12 profiles.base.deny[0]: rule "filesystem/write_file" names server "filesystem", which is not defined, so it matches nothing; did you mean "fs"?',
    'warning: gateway.yaml:6:59 profiles.base.deny[3]: rule "resource:gitub/repo://**" names server "gitub", which is not defined, so it matches nothing; did you mean "github"?',
    'warning: gateway.yaml:7:51 profiles.base.approval.required_tools[1]: rule "gihub/push" names server "gihub", which is not defined, so it matches nothing; did you mean "github"?',
    'warning: gateway.yaml:11:21 agents.a.allow[1]: rule "prompt:nope/greet" names server "nope", which is not defined, so it matches nothing; the servers are "fs", "github"',
    'warning: gateway.yaml:14:5 policy.ceilings["shell/*"]: rule "shell/*" names server "shell", which is not defined, so it matches nothing; the servers are "fs", "github"',
  ]);
  expect(result.out).toMatch(/: ok \(2 servers, 1 agents, 1 environments; 5 warnings\)$/);
});

test('--strict turns the warnings into exit 1', async () => {
  const result = await runCli(['check', '--strict'], setup());
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/\nmcp-warden: 5 warnings, which --strict makes an error$/);
  expect(result.out).toBe('');
});

test('globs matching servers by wildcard, and the bundled config, give no warning even with --strict', async () => {
  const dir = setup(`servers:\n  fs: { command: node }\nagents:\n  a: { allow: ["*/read*", "**", "fs/*"], deny: ["*/delete*"] }\n`);
  expect(await runCli(['check', '--strict'], dir)).toMatchObject({ code: 0, err: '' });
  expect(await runCli(['check', '--strict', '--config', join(ROOT, 'gateway.yaml')], ROOT)).toMatchObject({ code: 0, err: '' });
});
