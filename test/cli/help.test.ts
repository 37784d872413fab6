// Every command answers --help with its own usage and every option it parses, exit 0; a usage
// mistake is one line on stderr with exit 1, never a stack trace and never a run of the command.
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { BIN } from '../e2e/harness.js';
import { runCli } from './run-cli.js';

test.each([
  [['serve'], ['--config', '--env', '--agent', '--http', '--non-interactive', '--console-port', '--state-dir', '--quiet', '--log-level', '--log-format', '--metrics']],
  [['check'], ['--config', '--env', '--strict']],
  [['explain'], ['--config', '--env', '--agent', '--tool', '--args', '--resource', '--server', '--prompt', '--lockfile', '--json']],
  [['profile'], ['--config', '--env', '--agent', '--json']],
  [['tools'], ['--config', '--env', '--agent', '--json', '--scan']],
  [['test'], ['--config', '--env', '<tests.yaml>']],
  [['pin'], ['--config', '--env', '--check', '--lockfile', '--server', '--json']],
  [['approvals', 'list'], ['--json', '--state-dir']],
  [['approvals', 'approve'], ['[id]', '--remember', '--json', '--state-dir']],
  [['approvals', 'deny'], ['[id]', '--reason', '--json', '--state-dir']],
  [['status'], ['--json', '--state-dir']],
])('%j --help prints its usage with every option and exits 0', async (command, options) => {
  // No config exists in this directory: a command that ran instead of printing help would fail.
  const result = await runCli([...command, '--help'], '/nonexistent');
  expect(result.code).toBe(0);
  expect(result.err).toBe('');
  expect(result.out).toContain(`Usage: mcp-warden ${command.join(' ')} `);
  for (const option of options) expect(result.out).toContain(option);
});

test('the top-level help lists every command; with no command it goes to stderr with exit 1', async () => {
  const help = await runCli(['--help'], '/nonexistent');
  expect(help.code).toBe(0);
  for (const command of ['serve', 'check', 'explain', 'profile', 'tools', 'test', 'pin', 'approvals', 'status']) expect(help.out).toMatch(new RegExp(`^  ${command} `, 'm'));
  const bare = await runCli([], '/nonexistent');
  expect(bare.code).toBe(1);
  expect(bare.err).toContain('Usage: mcp-warden');
  expect((await runCli(['help', 'check'], '/nonexistent')).out).toContain('--strict');
});

test.each([
  [['bogus'], "mcp-warden: Unknown command 'bogus'"],
  [['check', '--bogus'], "mcp-warden: Unknown option '--bogus'"],
  [['explain', '--agnt', 'x'], "mcp-warden: Unknown option '--agnt'; did you mean --agent?"],
  [['explain', '--agent'], "mcp-warden: Option '--agent <name>' argument missing"],
  [['check', 'extra'], "mcp-warden: Too many arguments for 'check'. Expected 0 arguments but got 1."],
  [['test'], "mcp-warden: Missing required argument 'tests.yaml'"],
])('%j is one line on stderr and exit 1', async (args, message) => {
  expect(await runCli(args, '/nonexistent')).toEqual({ code: 1, out: '', err: message });
});

test('the real binary: serve --help exits 0 with its usage on stdout', () => {
  const run = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8', cwd: '/' });
  expect(run.status).toBe(0);
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain('--console-port <port>');
});
