// Attacks on `file_write: create-only` (and `off`): overwriting existing files, escaping the roots,
// writing files that run later. Unit rows against a real temporary tree; the regression: row goes end to end
// through the built CLI and the official filesystem server.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { homedir } from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { inspectFileCall, type FileCheckOptions } from '../../src/inspect/index.js';
import { openFileTicketStore } from '../../src/approval/index.js';
import { connectStdio, FILESYSTEM, textOf, writeConfig } from '../e2e/harness.js';
import { inProcess, pendingTicket, RecordingUpstream } from './helpers.js';

let base: string;
let ws: string;
let options: FileCheckOptions;

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'warden-sec-files-')));
  ws = path.join(base, 'ws');
  mkdirSync(path.join(ws, 'sub'), { recursive: true });
  mkdirSync(path.join(base, 'outside'));
  writeFileSync(path.join(ws, 'existing.txt'), 'original');
  writeFileSync(path.join(base, 'outside', 'target.txt'), 'outside');
  // A symlink planted (by someone else, or earlier) inside the root, pointing out of it.
  symlinkSync(path.join(base, 'outside'), path.join(ws, 'escape'));
  // A symlink to a directory inside the root: writes through it land on existing files.
  symlinkSync(path.join(ws, 'sub'), path.join(ws, 'alias'));
  writeFileSync(path.join(ws, 'sub', 'inner.txt'), 'inner');
  options = { roots: [ws] };
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

const check = (tool: string, args: Record<string, unknown>, opts: FileCheckOptions = options) => inspectFileCall(tool, args, opts);

// ---------------------------------------------------------------------------------------------
// Finding: the profile's working_dir moves the filesystem server, not the roots warden checks.
// ---------------------------------------------------------------------------------------------

// servers.fs.args has a relative root ("./ws"): warden resolves it against the server's cwd (the
// config directory) once at load. The session starts the server with cwd = the profile's
// working_dir, so the server serves <working_dir>/ws. A relative path is then checked against
// <config>/ws/existing.txt (missing: a "new" file) while the server overwrites
// <working_dir>/ws/existing.txt.
test('regression: create-only: a profile working_dir cannot make warden check a different directory than the server writes', async () => {
  const config = writeConfig(`
servers:
  fs:
    command: node
    args: [${FILESYSTEM}, ./ws]
    kind: filesystem
profiles:
  writer:
    allow: ["fs/*"]
    file_write: create-only
    working_dir: ./project
agents:
  agent:
    extends: [writer]
`);
  mkdirSync(path.join(config.dir, 'ws'));
  mkdirSync(path.join(config.dir, 'project', 'ws'), { recursive: true });
  const victim = path.join(config.dir, 'project', 'ws', 'existing.txt');
  writeFileSync(victim, 'original content');
  const conn = await connectStdio(config, 'agent');
  try {
    const result = await conn.client.callTool({ name: 'fs_write_file', arguments: { path: 'existing.txt', content: 'OVERWRITTEN' } });
    expect(readFileSync(victim, 'utf8')).toBe('original content');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/file_write create-only/);
  } finally {
    await conn.close();
  }
}, 30_000);

// ---------------------------------------------------------------------------------------------
// Finding: the approvals directory is not a sensitive path, and an answer is a *new* file.
// ---------------------------------------------------------------------------------------------

// A ticket is approved by creating <state>/approvals/<id>.answer.json: exactly the kind of write
// create-only allows. An agent whose filesystem server can reach the state directory (default
// ~/.mcp-warden, e.g. a server rooted at $HOME) lists the directory, reads the ticket's
// argumentsSha256 and creates the answer file: its own ask is approved with no human involved.
test('regression: create-only refuses creating an approval answer file under ~/.mcp-warden', async () => {
  const home = homedir();
  const result = await check('write_file', { path: path.join(home, '.mcp-warden', 'approvals', 'abcdefghijklmnopqrstuvwxyz.answer.json'), content: '{}' }, { roots: [home] });
  expect(result.violation).toMatch(/sensitive path/);
});

test('regression: end to end in process: an agent approves its own ask by creating the answer file that create-only lets through', async () => {
  const home = path.join(base, 'home');
  const stateDir = path.join(home, 'state');
  mkdirSync(stateDir, { recursive: true });
  // As `serve` sees it: the state directory comes from $MCP_WARDEN_STATE_DIR.
  const previous = process.env.MCP_WARDEN_STATE_DIR;
  process.env.MCP_WARDEN_STATE_DIR = stateDir;
  const store = await openFileTicketStore();
  const up = new RecordingUpstream([{ name: 'deploy' }]);
  const g = await inProcess(
    `
servers:
  prod: { command: node, args: [x] }
agents:
  agent: { allow: ["prod/*"], ask: ["prod/deploy"] }
approval: { channels: [console], timeout: 5s }
`,
    { upstreams: { prod: up.make }, store },
  );
  const pending = g.client.callTool({ name: 'prod_deploy', arguments: { to: 'production' } });
  const ticket = await pendingTicket(store);
  // What the agent sends to the filesystem server (rooted at "home", mode create-only):
  const answerPath = path.join(stateDir, 'approvals', `${ticket.id}.answer.json`);
  const inspection = await check('write_file', { path: answerPath, content: '' }, { roots: [home] });
  if (inspection.violation === undefined) {
    // The check passed, so the filesystem server writes it.
    writeFileSync(answerPath, JSON.stringify({ state: 'approved', channel: 'console', by: 'nobody', ticketId: ticket.id, argumentsSha256: ticket.argumentsSha256, at: Date.now() }));
  } else {
    await store.decide(ticket.id, { state: 'denied', channel: 'console', reason: 'test' });
  }
  await pending;
  await g.close();
  await store.close();
  if (previous === undefined) delete process.env.MCP_WARDEN_STATE_DIR;
  else process.env.MCP_WARDEN_STATE_DIR = previous;
  // The answer file is a sensitive path, so the deploy never reaches the upstream without a human.
  expect(up.calls).toEqual([]);
  expect(inspection.violation).toMatch(/sensitive path/);
});

// ---------------------------------------------------------------------------------------------
// Regression suite: refused today, with the exact violation.
// ---------------------------------------------------------------------------------------------

test('create-only refuses overwriting through a file:// URL', async () => {
  const result = await check('write_file', { path: pathToFileURL(path.join(ws, 'existing.txt')).href, content: 'x' });
  expect(result.violation).toBe(`"${ws}/existing.txt" already exists`);
});

test('create-only refuses a write through a symlinked directory that points outside the roots', async () => {
  const result = await check('write_file', { path: path.join(ws, 'escape', 'new.txt'), content: 'x' });
  expect(result.violation).toBe(`"${ws}/escape/new.txt" resolves to "${base}/outside/new.txt", outside the server's roots`);
});

test('create-only refuses overwriting an existing file through an in-root directory symlink', async () => {
  const result = await check('write_file', { path: 'alias/inner.txt', content: 'x' });
  expect(result.violation).toBe(`"${ws}/alias/inner.txt" already exists`);
});

test('create-only refuses `..` climbing out of the root from a relative path', async () => {
  const result = await check('write_file', { path: 'sub/../../outside/target2.txt', content: 'x' });
  expect(result.violation).toBe(`"${base}/outside/target2.txt" is outside the server's roots`);
});

test('create-only refuses a path with a NUL byte', async () => {
  const result = await check('write_file', { path: 'new.txt\u0000../existing.txt', content: 'x' });
  expect(result).toMatchObject({ understood: false, violation: 'argument "path" contains a NUL character' });
});

test('create-only checks every element of an array path: one existing file is enough to refuse', async () => {
  const result = await check('write_file', { path: ['fresh.txt', 'existing.txt'], content: 'x' });
  expect(result.violation).toBe(`"${ws}/existing.txt" already exists`);
});

test('create-only: edit_file with dryRun "true" (a string) is a write, so an existing file is refused', async () => {
  const result = await check('edit_file', { path: 'existing.txt', edits: [], dryRun: 'true' });
  expect(result.violation).toBe(`"${ws}/existing.txt" already exists`);
});

test('create-only refuses create_directory on an existing file', async () => {
  const result = await check('create_directory', { path: 'existing.txt' });
  expect(result.violation).toBe(`"${ws}/existing.txt" already exists`);
});

test('create-only refuses move_file whose destination exists, even when the source is new', async () => {
  const result = await check('move_file', { source: 'missing.txt', destination: 'existing.txt' });
  expect(result.violation).toBe(`"${ws}/existing.txt" already exists`);
});

test('create-only refuses move_file with a missing destination argument', async () => {
  const result = await check('move_file', { source: 'missing.txt' });
  expect(result).toMatchObject({ understood: false, violation: 'argument "destination" of "move_file" is missing or not a path' });
});

test('create-only refuses a path given as a number', async () => {
  const result = await check('write_file', { path: 7, content: 'x' });
  expect(result.understood).toBe(false);
});

for (const [name, expected] of [
  ['.mcp.json', 'sensitive'],
  ['.vscode/tasks.json', 'sensitive'],
  ['.claude/settings.json', 'sensitive'],
  ['.cursor/mcp.json', 'sensitive'],
  ['.GIT/hooks/pre-commit', 'sensitive'],
  ['.envrc', 'sensitive'],
  ['sub/.Env.production', 'sensitive'],
  ['sub/authorized_keys', 'sensitive'],
  ['.gitconfig', 'sensitive'],
] as const) {
  test(`create-only refuses the new ${expected} file ${name}`, async () => {
    const result = await check('write_file', { path: name, content: 'x' });
    expect(result.violation).toBe(`"${path.join(ws, name)}" is a sensitive path`);
  });
}

test('a filesystem tool that is neither a known read nor a known write is not understood', async () => {
  const result = await check('chmod_file', { path: 'existing.txt', mode: '777' });
  expect(result).toMatchObject({ understood: false, writes: true });
});

test('a filesystem server without roots cannot be checked: its writes are not understood', async () => {
  const result = await check('write_file', { path: '/tmp/anything.txt', content: 'x' }, { roots: [] });
  expect(result).toMatchObject({ understood: false, writes: true, violation: 'the server has no roots configured, so its paths cannot be checked' });
});

test('create-only still allows a brand-new file inside the root', async () => {
  expect(await check('write_file', { path: 'sub/brand-new.txt', content: 'x' })).toMatchObject({ understood: true, writes: true });
  expect((await check('write_file', { path: 'sub/brand-new.txt', content: 'x' })).violation).toBeUndefined();
});
