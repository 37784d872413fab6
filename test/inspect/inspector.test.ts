// createInspector: picks the check by server kind, reads the default or configured argument names,
// and never rejects.
import { expect, test } from 'vitest';
import type { ServerConfig } from '../../src/config/types.js';
import { createInspector } from '../../src/inspect/index.js';

function server(kind: ServerConfig['kind'], extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    id: 'x', kind, readonly: [], trusted: false, timeoutMs: 1000, startup: 'lazy', inspect: {}, dialect: 'postgres',
    roots: [], source: 'test', transport: 'stdio', command: 'node', args: [], env: {}, cwd: '/', ...extra,
  } as ServerConfig;
}

const inspector = createInspector();
const none = { dangerousPatterns: [] };

test('generic servers are not inspected', async () => {
  expect(await inspector.inspect(server('generic'), 'anything', { command: 'rm -rf /' }, none)).toBeUndefined();
});

const SHELL_ARGS: Array<[unknown, string | undefined, boolean]> = [
  [{ command: 'git status' }, undefined, true],
  [{ cmd: 'ls -la' }, undefined, true],
  [{ script: 'ls; rm -rf x' }, '"rm" is not on the read-only allowlist', true],
  [{ command: ['ls', '-la', 'a b'] }, undefined, true],
  [{ command: ['ls', '$(rm x)'] }, undefined, true],
  [{ command: 'git', args: ['status'] }, undefined, true],
  [{ command: 'git', args: ['push', '--force'] }, '"git push" is not on the read-only allowlist', true],
  [{ args: ['rm', '-rf', 'x'] }, '"rm" is not on the read-only allowlist', true],
  [{ command: 'ls', script: 'rm x' }, '"rm" is not on the read-only allowlist', true],
  [{}, 'tool "run": no command argument found (looked for "command", "cmd", "script")', false],
  [{ command: 42 }, 'tool "run": argument "command" is not a string', false],
  [{ command: 'ls', args: [1] }, 'tool "run": argument "args" is not a list of strings', false],
  ['ls', 'tool "run": no command argument found (looked for "command", "cmd", "script")', false],
];

test.each(SHELL_ARGS)('shell arguments %j', async (args, violation, understood) => {
  const result = await inspector.inspect(server('shell'), 'run', args, none);
  expect(result).toMatchObject({ check: 'shell', understood, writes: violation !== undefined });
  expect(result?.violation).toBe(violation);
});

test('shell overrides: argument names, read tools and extra commands', async () => {
  const shell = server('shell', { inspect: { arguments: ['line'], readTools: ['cwd'], allowCommands: ['make test'] } });
  expect((await inspector.inspect(shell, 'run', { line: 'make test' }, none))?.violation).toBeUndefined();
  expect((await inspector.inspect(shell, 'run', { command: 'ls' }, none))?.violation).toBe('tool "run": no command argument found (looked for "line")');
  expect(await inspector.inspect(shell, 'cwd', {}, none)).toMatchObject({ understood: true, writes: false });
});

test('shell dangerous patterns come back matched on the parsed command', async () => {
  const result = await inspector.inspect(server('shell'), 'run', { command: 'sudo /bin/rm --force --recursive /' }, { dangerousPatterns: ['rm -rf'] });
  expect(result?.matchedPatterns).toEqual(['rm -rf']);
});

test('database calls use the server dialect and unsafeFunctions', async () => {
  const pg = server('database', { inspect: { unsafeFunctions: ['audit.purge'] } });
  expect((await inspector.inspect(pg, 'query', { sql: 'select 1' }, none))?.violation).toBeUndefined();
  expect((await inspector.inspect(pg, 'query', { query: 'select audit.purge()' }, none))?.violation).toBe('function "audit.purge" has side effects');
  expect((await inspector.inspect(pg, 'query', {}, none))?.violation).toBe('tool "query": no SQL argument found (looked for "sql", "query")');
  const mysql = server('database', { dialect: 'mysql' });
  expect((await inspector.inspect(mysql, 'query', { sql: 'select * from t into outfile "/x"' }, none))?.violation).toBe('SELECT INTO OUTFILE writes a file');
  const result = await inspector.inspect(pg, 'query', { sql: 'drop/**/table x' }, { dangerousPatterns: ['DROP TABLE'] });
  expect(result).toMatchObject({ writes: true, matchedPatterns: ['DROP TABLE'], patternTexts: ['DROP TABLE X'] });
});

test('filesystem calls use the server roots', async () => {
  const fs = server('filesystem', { roots: ['/nonexistent-root'] });
  expect((await inspector.inspect(fs, 'write_file', { path: '/etc/hosts' }, none))?.violation).toBe('"/etc/hosts" is outside the server\'s roots');
  expect(await inspector.inspect(fs, 'read_file', { path: '/etc/hosts' }, none)).toMatchObject({ writes: false });
});
