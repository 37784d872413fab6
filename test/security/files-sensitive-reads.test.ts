// Issue 9: a filesystem server's read tools were not checked at all, so `read_file ~/.ssh/id_rsa`
// was refused only when it fell outside the server's roots. Roots here include the whole HOME, as
// a server started on `~` has, so the roots cannot be what refuses these reads.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inspectFileCall } from '../../src/inspect/index.js';

let base: string;
let home: string;
const savedHome = process.env.HOME;

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'warden-fs-reads-')));
  home = path.join(base, 'home');
  process.env.HOME = home;
  mkdirSync(path.join(home, '.ssh'), { recursive: true });
  writeFileSync(path.join(home, '.ssh', 'id_rsa'), 'KEY');
  mkdirSync(path.join(home, '.mcp-warden', 'approvals'), { recursive: true });
  writeFileSync(path.join(home, '.mcp-warden', 'approvals', 'console-token'), 'TOKEN');
  mkdirSync(path.join(home, 'project', 'app'), { recursive: true });
  writeFileSync(path.join(home, 'project', 'README.md'), 'hello');
  writeFileSync(path.join(home, 'project', 'app', '.env'), 'TOKEN=1');
  writeFileSync(path.join(home, 'project', '.env.example'), 'TOKEN=');
  symlinkSync(path.join(home, '.ssh', 'id_rsa'), path.join(home, 'project', 'notes.txt'));
});

afterAll(() => {
  process.env.HOME = savedHome;
  rmSync(base, { recursive: true, force: true });
});

const options = () => ({ roots: [home], inspect: { sensitivePaths: ['**/vault/**'], sensitivePathSources: { '**/vault/**': 'gateway.yaml:2:5' } } });

// [tool, arguments, the rule of the refusal]
const REFUSED: Array<[string, Record<string, unknown>, string]> = [
  ['read_file', { path: '~/.ssh/id_rsa' }, 'sensitive path "~/.ssh/**"'],
  ['read_text_file', { path: '{home}/.ssh/id_rsa' }, 'sensitive path "~/.ssh/**"'],
  ['read_text_file', { path: '.ssh/id_rsa' }, 'sensitive path "~/.ssh/**"'],
  ['read_media_file', { path: 'project/../.ssh/id_rsa' }, 'sensitive path "~/.ssh/**"'],
  ['read_file', { path: '{url}' }, 'sensitive path "~/.ssh/**"'],
  ['read_file', { path: '{home}//.SSH//id_rsa' }, 'sensitive path "~/.ssh/**"'],
  ['read_file', { path: 'project/notes.txt' }, 'sensitive path "~/.ssh/**"'],
  ['read_multiple_files', { paths: ['project/README.md', '.mcp-warden/approvals/console-token'] }, 'sensitive path "~/.mcp-warden/**"'],
  ['read_text_file', { path: 'project/app/.env' }, 'sensitive path "**/.env"'],
  ['read_text_file', { path: '/proc/self/environ' }, 'sensitive path "/proc/**/environ"'],
  ['read_text_file', { path: '/proc/self/root{home}/.ssh/id_rsa' }, 'sensitive path "~/.ssh/**"'],
  ['list_directory', { path: '~/.ssh' }, 'sensitive path "~/.ssh"'],
  ['read_text_file', { path: 'project/vault/key' }, 'sensitive path "**/vault/**"'],
];

const fill = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replaceAll('{url}', pathToFileURL(path.join(home, '.ssh', 'id_rsa')).href).replaceAll('{home}', home));

test.each(REFUSED)('%s %j is refused', async (tool, args, rule) => {
  const result = await inspectFileCall(tool, fill(args), options());
  expect(result.refusal?.rule).toBe(rule);
  expect(result.writes).toBe(false);
});

test('the refusal names the tool, the path and where the glob was written', async () => {
  expect((await inspectFileCall('read_text_file', { path: 'project/vault/key' }, options())).refusal).toEqual({
    rule: 'sensitive path "**/vault/**"',
    source: 'gateway.yaml:2:5',
    message: `"read_text_file" reads "${home}/project/vault/key", a sensitive path (matches "**/vault/**")`,
  });
});

test.each([
  ['read_text_file', { path: 'project/README.md' }],
  ['read_text_file', { path: 'project/.env.example' }],
  ['list_directory', { path: '~' }],
  ['directory_tree', { path: 'project' }],
  ['search_files', { path: 'project', pattern: '*.md' }],
  ['list_allowed_directories', {}],
  // Metadata (size, times, mode) is not the secret.
  ['get_file_info', { path: '~/.ssh/id_rsa' }],
])('%s %j is allowed', async (tool, args) => {
  const result = await inspectFileCall(tool, args, options());
  expect(result.refusal).toBeUndefined();
  expect(result.violation).toBeUndefined();
});

// Writes touch paths too: moving a key out of ~/.ssh reads it, a dry-run edit shows its text, and a
// new file in the state directory answers a ticket. Refused in every file_write mode.
test.each([
  ['move_file', { source: '~/.ssh/id_rsa', destination: '{home}/project/key.txt' }, 'sensitive path "~/.ssh/**"'],
  ['edit_file', { path: '~/.ssh/id_rsa', edits: [], dryRun: true }, 'sensitive path "~/.ssh/**"'],
  ['write_file', { path: '~/.mcp-warden/approvals/x.answer.json', content: '{}' }, 'sensitive path "~/.mcp-warden/**"'],
  ['write_file', { path: '{home}/project/vault/new', content: 'x' }, 'sensitive path "**/vault/**"'],
])('%s %j is refused', async (tool, args, rule) => {
  expect((await inspectFileCall(tool, fill(args), options())).refusal?.rule).toBe(rule);
});

test('a tool the check does not know is still refused when it names a secret (file_write full allows what is not understood)', async () => {
  const result = await inspectFileCall('cat_file', { path: '~/.ssh/id_rsa' }, options());
  expect(result.understood).toBe(false);
  expect(result.refusal?.rule).toBe('sensitive path "~/.ssh/**"');
});

test('a write whose later argument cannot be resolved keeps the refusal of a secret named before it', async () => {
  // move_file reads its source; a destination the gateway cannot resolve (ENAMETOOLONG) used to
  // throw away the refusal, leaving a not-understood call that file_write full allows.
  const result = await inspectFileCall('move_file', { source: '~/.ssh/id_rsa', destination: `${home}/project/${'x'.repeat(5000)}` }, options());
  expect(result.understood).toBe(false);
  expect(result.refusal?.rule).toBe('sensitive path "~/.ssh/**"');
});
