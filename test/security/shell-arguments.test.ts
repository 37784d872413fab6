// Issue 9: stand-ins for refused flags. A `cwd` argument does what `git -C` does, and an `args`
// element holding `;` runs a second command on a server that joins `args` with spaces. Each row is
// an argument set an agent could send to a shell tool, with the exact verdict.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createInspector, initParsers } from '../../src/inspect/index.js';
import type { ServerConfig } from '../../src/config/types.js';

let base: string;
let home: string;
let ws: string;
const savedHome = process.env.HOME;

beforeAll(async () => {
  await initParsers();
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'warden-shell-args-')));
  home = path.join(base, 'home');
  ws = path.join(base, 'ws');
  process.env.HOME = home;
  mkdirSync(path.join(home, '.ssh'), { recursive: true });
  writeFileSync(path.join(home, '.ssh', 'id_rsa'), 'KEY');
  mkdirSync(path.join(ws, 'sub'), { recursive: true });
  mkdirSync(path.join(ws, 'app'), { recursive: true });
  writeFileSync(path.join(ws, 'app', '.env'), 'TOKEN=1');
  mkdirSync(path.join(base, 'outside'));
  symlinkSync(path.join(base, 'outside'), path.join(ws, 'escape'));
});

afterAll(() => {
  process.env.HOME = savedHome;
  rmSync(base, { recursive: true, force: true });
});

const inspector = createInspector();

function stdioShell(): ServerConfig {
  return { id: 'sh', kind: 'shell', transport: 'stdio', command: 'x', args: [], env: {}, cwd: ws, inspect: {}, readonly: [], trusted: false } as unknown as ServerConfig;
}

async function inspect(args: Record<string, unknown>, server = stdioShell()) {
  return inspector.inspect(server, 'run', args, { dangerousPatterns: [] });
}

// [arguments, the violation restricted mode refuses them with]
const ARGV: Array<[Record<string, unknown>, string]> = [
  [{ command: 'ls', args: [';', 'touch', '/tmp/pwned'] }, 'tool "run": element ";" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ['-la', '; touch /tmp/pwned'] }, 'tool "run": element "; touch /tmp/pwned" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ['&&', 'id'] }, 'tool "run": element "&&" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ['|', 'sh'] }, 'tool "run": element "|" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ['$(id)'] }, 'tool "run": element "$(id)" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ['`id`'] }, 'tool "run": element "`id`" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'echo', args: ['x', '>', '/tmp/x'] }, 'tool "run": element ">" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'find', args: ['.', '-name', '*'] }, 'tool "run": element "*" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ['a\nid'] }, 'tool "run": element "a\\nid" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ['a b'] }, 'tool "run": element "a b" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: [''] }, 'tool "run": element "" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ["'"] }, 'tool "run": element "\'" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: 'ls', args: ['$HOME'] }, 'tool "run": element "$HOME" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  [{ command: ['ls'], args: ['#', 'x'] }, 'tool "run": element "#" of "args" is not one plain word; a server that joins "args" with spaces would run it as shell syntax'],
  // Working directories outside the server's own: what `git -C /etc` would do.
  [{ command: 'ls', cwd: '/etc' }, `tool "run": argument "cwd" names "/etc", outside the server's working directory "{ws}"`],
  [{ command: 'git status', cwd: '/' }, `tool "run": argument "cwd" names "/", outside the server's working directory "{ws}"`],
  [{ command: 'ls', workdir: '..' }, `tool "run": argument "workdir" names "{base}", outside the server's working directory "{ws}"`],
  [{ command: 'ls', working_dir: 'sub/../..' }, `tool "run": argument "working_dir" names "{base}", outside the server's working directory "{ws}"`],
  [{ command: 'ls', dir: '~' }, `tool "run": argument "dir" names "{home}", outside the server's working directory "{ws}"`],
  [{ command: 'ls', working_directory: 'escape' }, `tool "run": argument "working_directory" names "{ws}/escape", outside the server's working directory "{ws}"`],
  [{ command: 'ls', cwd: 42 }, 'tool "run": argument "cwd" is not a directory path'],
  [{ command: 'ls', cwd: '' }, 'tool "run": argument "cwd" is not a directory path'],
];

test.each(ARGV)('refuses %j', async (args, violation) => {
  const result = await inspect(args);
  expect(result?.violation).toBe(violation.replaceAll('{ws}', ws).replaceAll('{base}', base).replaceAll('{home}', home));
  expect(result?.writes).toBe(true);
});

test('a cwd argument naming a sensitive directory is refused in every mode, naming the glob', async () => {
  const result = await inspect({ command: 'cat id_rsa', cwd: '~/.ssh' });
  expect(result?.refusal?.rule).toBe('sensitive path "~/.ssh"');
  expect(result?.refusal?.message).toBe(`argument "cwd" reads "${home}/.ssh", a sensitive path (matches "~/.ssh")`);
});

test('relative paths in the command resolve against the cwd argument', async () => {
  expect((await inspect({ command: 'cat .env', cwd: 'app' }))?.refusal?.rule).toBe('sensitive path "**/.env"');
  expect((await inspect({ command: 'cat ../app/.env', cwd: 'sub' }))?.refusal?.rule).toBe('sensitive path "**/.env"');
  expect((await inspect({ command: 'grep -r TOKEN', cwd: 'app' }))?.violation).toBe(`"grep" without a path reads "${ws}/app", which holds "${ws}/app/.env", a sensitive path (matches "**/.env")`);
});

test('a remote shell server has no known working directory, so a cwd argument is refused', async () => {
  const remote = { id: 'sh', kind: 'shell', transport: 'http', url: 'http://x', headers: {}, inspect: {}, readonly: [], trusted: false } as unknown as ServerConfig;
  expect((await inspect({ command: 'ls', cwd: '.' }, remote))?.violation).toBe(
    'tool "run": argument "cwd" is refused: the working directory of a remote shell server is unknown, so a directory cannot be checked',
  );
});

test('a timeout that is not a number is not understood', async () => {
  const result = await inspect({ command: 'ls', timeout: '10; rm -rf ~' });
  expect(result?.understood).toBe(false);
  expect(result?.violation).toBe('tool "run": argument "timeout" is not understood by the restricted-shell check');
});

// Plain words and directories inside the server's own stay allowed.
const ALLOWED: Array<Record<string, unknown>> = [
  { command: 'git', args: ['log', '-n', '3', '--format=%H'] },
  { command: 'ls', args: ['-la', 'src/a.ts'] },
  { command: 'cat', args: ['README.md'] },
  { command: ['git', 'status'], args: ['--short'] },
  { command: 'ls', cwd: 'sub' },
  { command: 'ls', cwd: '.' },
  { command: 'ls -la', cwd: '{ws}/sub' },
  { command: 'ls', workdir: 'sub/..', timeout: 30 },
  { command: 'ls', timeout_ms: '5000', description: 'list files' },
];

test.each(ALLOWED)('allows %j', async (args) => {
  const result = await inspect(JSON.parse(JSON.stringify(args).replaceAll('{ws}', ws)) as Record<string, unknown>);
  expect(result?.violation).toBeUndefined();
  expect(result?.refusal).toBeUndefined();
  expect(result?.understood).toBe(true);
});

// Unrestricted mode ignores the restricted check's violations; the sensitive read must still be
// found when another argument already makes the call "not understood" or "outside".
test('a sensitive read is found beside an unknown argument or a cwd outside the server directory', async () => {
  expect((await inspect({ command: 'cat ~/.ssh/id_rsa', env: { A: '1' } }))?.refusal?.rule).toBe('sensitive path "~/.ssh/**"');
  const outside = await inspect({ command: 'cat .ssh/id_rsa', cwd: '../home' });
  expect(outside?.violation).toBe(`tool "run": argument "cwd" names "${home}", outside the server's working directory "${ws}"`);
  expect(outside?.refusal?.rule).toBe('sensitive path "~/.ssh/**"');
});
