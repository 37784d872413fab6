// Create-only file checks against a real temporary tree: existing files, the three symlink shapes
// (final component, a directory in the middle pointing outside, a link to a sensitive file), a
// dangling link, `..`, `~`, `file://`, repeated slashes and sensitive names.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inspectFileCall, type FileCheckOptions } from '../../src/inspect/index.js';

let base: string;
let ws: string;
let outside: string;
let options: FileCheckOptions;

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'warden-files-')));
  ws = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  mkdirSync(path.join(ws, 'sub'), { recursive: true });
  mkdirSync(path.join(ws, '.git', 'hooks'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(ws, 'notes.txt'), 'hello');
  writeFileSync(path.join(ws, 'caf\u00e9.txt'), 'nfc');
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  symlinkSync(path.join(ws, 'notes.txt'), path.join(ws, 'link-file'));
  symlinkSync(outside, path.join(ws, 'linkdir'));
  symlinkSync(path.join(homedir(), '.bashrc'), path.join(ws, 'rc'));
  symlinkSync(path.join(ws, 'nowhere.txt'), path.join(ws, 'dangling'));
  symlinkSync(path.join(ws, 'no-dir'), path.join(ws, 'dangling-dir'));
  options = { roots: [ws], inspect: { sensitivePaths: ['secrets/**'] } };
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

const p = (...parts: string[]) => path.join(ws, ...parts);

// [tool, arguments (with {ws} and {out} placeholders), expected violation or null]
const WRITES: Array<[string, Record<string, unknown>, string | null]> = [
  ['write_file', { path: '{ws}/new.txt' }, null],
  ['write_file', { path: 'new.txt' }, null],
  ['write_file', { path: './sub/new.txt' }, null],
  ['write_file', { path: '{ws}//sub///new.txt' }, null],
  ['write_file', { path: '{ws}/sub/../new.txt' }, null],
  ['create_directory', { path: '{ws}/fresh/deeper' }, null],
  ['write_file', { path: '{ws}/notes.txt' }, '"{ws}/notes.txt" already exists'],
  ['write_file', { path: 'notes.txt' }, '"{ws}/notes.txt" already exists'],
  ['write_file', { path: '{ws}/sub/../notes.txt' }, '"{ws}/notes.txt" already exists'],
  ['write_file', { path: '{ws}///notes.txt' }, '"{ws}/notes.txt" already exists'],
  ['write_file', { path: '{ws}/sub/' }, '"{ws}/sub" already exists'],
  ['create_directory', { path: '{ws}/sub' }, '"{ws}/sub" already exists'],
  ['edit_file', { path: '{ws}/notes.txt', edits: [] }, '"{ws}/notes.txt" already exists'],
  ['write_file', { path: '{ws}/cafe\u0301.txt' }, '"{ws}/cafe\u0301.txt" already exists'],
  ['write_file', { path: '{ws}/link-file' }, '"{ws}/link-file" is a symbolic link'],
  ['write_file', { path: '{ws}/rc' }, '"{ws}/rc" is a symbolic link'],
  ['write_file', { path: '{ws}/dangling' }, '"{ws}/dangling" is a symbolic link'],
  ['write_file', { path: '{ws}/dangling-dir/x.txt' }, '"{ws}/dangling-dir/x.txt" goes through the dangling symbolic link "{ws}/dangling-dir"'],
  ['write_file', { path: '{ws}/linkdir/new.txt' }, '"{ws}/linkdir/new.txt" resolves to "{out}/new.txt", outside the server\'s roots'],
  ['write_file', { path: '{ws}/linkdir/secret.txt' }, '"{ws}/linkdir/secret.txt" resolves to "{out}/secret.txt", outside the server\'s roots'],
  ['write_file', { path: '{ws}/../outside/x.txt' }, '"{out}/x.txt" is outside the server\'s roots'],
  ['write_file', { path: '../outside/x.txt' }, '"{out}/x.txt" is outside the server\'s roots'],
  ['write_file', { path: '/etc/passwd' }, '"/etc/passwd" is outside the server\'s roots'],
  ['write_file', { path: '{ws}/.env' }, '"{ws}/.env" is a sensitive path'],
  ['write_file', { path: '{ws}/sub/.env.local' }, '"{ws}/sub/.env.local" is a sensitive path'],
  ['write_file', { path: '{ws}/.ENV' }, '"{ws}/.ENV" is a sensitive path'],
  ['write_file', { path: '{ws}/.git/config' }, '"{ws}/.git/config" is a sensitive path'],
  ['write_file', { path: '{ws}/.git/hooks/pre-commit' }, '"{ws}/.git/hooks/pre-commit" is a sensitive path'],
  ['write_file', { path: '{ws}/.npmrc' }, '"{ws}/.npmrc" is a sensitive path'],
  ['write_file', { path: '{ws}/.netrc' }, '"{ws}/.netrc" is a sensitive path'],
  ['write_file', { path: '{ws}/sub/id_rsa.pub' }, '"{ws}/sub/id_rsa.pub" is a sensitive path'],
  ['write_file', { path: '{ws}/.bashrc' }, '"{ws}/.bashrc" is a sensitive path'],
  ['write_file', { path: '{ws}/secrets/token' }, '"{ws}/secrets/token" is a sensitive path'],
  ['move_file', { source: '{ws}/notes.txt', destination: '{ws}/moved.txt' }, 'moving "{ws}/notes.txt" changes an existing file'],
  ['move_file', { source: '{ws}/missing.txt', destination: '{ws}/notes.txt' }, '"{ws}/notes.txt" already exists'],
  ['move_file', { source: '{ws}/missing.txt', destination: '{ws}/linkdir/x' }, '"{ws}/linkdir/x" resolves to "{out}/x", outside the server\'s roots'],
];

function fill(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('{ws}', ws).replaceAll('{out}', outside);
  if (Array.isArray(value)) return value.map(fill);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
  return value;
}

test.each(WRITES)('%s %j → %s', async (tool, args, violation) => {
  const result = await inspectFileCall(tool, fill(args), options);
  expect(result.check).toBe('filesystem');
  expect(result.understood).toBe(true);
  expect(result.writes).toBe(true);
  expect(result.violation).toBe(violation === null ? undefined : fill(violation));
});

test('file:// URLs are resolved like paths', async () => {
  expect((await inspectFileCall('write_file', { path: pathToFileURL(p('new.txt')).href }, options)).violation).toBeUndefined();
  expect((await inspectFileCall('write_file', { path: pathToFileURL(p('notes.txt')).href }, options)).violation).toBe(`"${p('notes.txt')}" already exists`);
});

test('~ expands to the home directory, and ~/.ssh is sensitive', async () => {
  const home = { roots: [homedir()] };
  expect((await inspectFileCall('write_file', { path: '~/.ssh/authorized_keys' }, home)).violation).toBe(
    `"${path.join(homedir(), '.ssh/authorized_keys')}" is a sensitive path`,
  );
  expect((await inspectFileCall('write_file', { path: '~/.aws/credentials' }, options)).violation).toBe(
    `"${path.join(homedir(), '.aws/credentials')}" is outside the server's roots`,
  );
});

test('the returned patternTexts are the normalised paths', async () => {
  const result = await inspectFileCall('move_file', { source: 'a.txt', destination: `${ws}//sub/../b.txt` }, options);
  expect(result.patternTexts).toEqual([p('a.txt'), p('b.txt')]);
});

test('a root given through a symlink still contains its files', async () => {
  const alias = path.join(base, 'ws-alias');
  symlinkSync(ws, alias);
  const result = await inspectFileCall('write_file', { path: path.join(alias, 'new.txt') }, { roots: [alias] });
  expect(result.violation).toBeUndefined();
});

const READS: Array<[string, Record<string, unknown>]> = [
  ['read_file', { path: '/etc/passwd' }],
  ['read_text_file', { path: '{ws}/link-file' }],
  ['read_media_file', { path: '{ws}/linkdir/secret.txt' }],
  ['read_multiple_files', { paths: ['{ws}/notes.txt', '/etc/hosts'] }],
  ['list_directory', { path: '{ws}' }],
  ['list_directory_with_sizes', { path: '{ws}' }],
  ['directory_tree', { path: '{ws}' }],
  ['search_files', { path: '{ws}', pattern: '*.txt' }],
  ['get_file_info', { path: '{ws}/.env' }],
  ['list_allowed_directories', {}],
  ['edit_file', { path: '{ws}/notes.txt', edits: [], dryRun: true }],
];

test.each(READS)('read %s never violates', async (tool, args) => {
  const result = await inspectFileCall(tool, fill(args), options);
  expect(result).toEqual({ check: 'filesystem', understood: true, writes: false, patternTexts: [] });
});

const NOT_UNDERSTOOD: Array<[string, unknown, string]> = [
  ['delete_file', { path: '{ws}/notes.txt' }, 'tool "delete_file" is not known to read or write; list it under inspect.readTools or inspect.writeTools'],
  ['write_file', {}, 'argument "path" of "write_file" is missing or not a path'],
  ['write_file', { path: 42 }, 'argument "path" of "write_file" is missing or not a path'],
  ['write_file', { path: '' }, 'argument "path" of "write_file" is missing or not a path'],
  ['move_file', { source: '{ws}/a' }, 'argument "destination" of "move_file" is missing or not a path'],
  ['write_file', 'not an object', 'argument "path" of "write_file" is missing or not a path'],
  ['write_file', { path: '{ws}/a\0b' }, 'argument "path" contains a NUL character'],
];

test.each(NOT_UNDERSTOOD)('not understood: %s %j', async (tool, args, violation) => {
  const result = await inspectFileCall(tool, fill(args), options);
  expect(result).toEqual({ check: 'filesystem', understood: false, writes: true, violation, patternTexts: [] });
});

test('a server without roots cannot have its writes checked', async () => {
  const result = await inspectFileCall('write_file', { path: '/tmp/x' }, { roots: [] });
  expect(result).toMatchObject({ understood: false, violation: 'the server has no roots configured, so its paths cannot be checked' });
});

test('overrides name extra write tools, their path arguments, and read tools', async () => {
  const custom: FileCheckOptions = { roots: [ws], inspect: { writeTools: ['save_*'], readTools: ['peek'], arguments: ['file'] } };
  expect((await inspectFileCall('save_note', { file: p('notes.txt') }, custom)).violation).toBe(`"${p('notes.txt')}" already exists`);
  expect((await inspectFileCall('save_note', { file: p('new.txt') }, custom)).violation).toBeUndefined();
  expect((await inspectFileCall('save_note', { other: 'x' }, custom)).violation).toBe(
    'no path argument is known for tool "save_note"; list its argument under inspect.arguments',
  );
  expect((await inspectFileCall('peek', { file: p('notes.txt') }, custom)).writes).toBe(false);
  expect((await inspectFileCall('write_file', { path: p('notes.txt'), file: p('x') }, custom)).violation).toBe(`"${p('notes.txt')}" already exists`);
});

test('the operator readonly globs make unknown tools reads, but not the known write tools', async () => {
  const withReadonly: FileCheckOptions = { roots: [ws], readonly: [{ pattern: '*', source: 'test' }] };
  expect((await inspectFileCall('tail_file', { path: p('notes.txt') }, withReadonly)).writes).toBe(false);
  expect((await inspectFileCall('write_file', { path: p('notes.txt') }, withReadonly)).violation).toBe(`"${p('notes.txt')}" already exists`);
});
