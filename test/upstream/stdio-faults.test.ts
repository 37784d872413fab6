// Faults of stdio upstreams, with the fixture servers that produce them: a crash mid-call, a hang,
// garbage on stdout, and commands that cannot start.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createUpstream, type CreateUpstreamOptions } from '../../src/upstream/create-upstream.js';
import type { StdioServerConfig } from '../../src/config/types.js';
import type { Upstream } from '../../src/upstream/types.js';
import { stdioConfig, textOf } from './helpers.js';

const open: Upstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

function start(config: StdioServerConfig, options: CreateUpstreamOptions = {}): Upstream {
  const upstream = createUpstream(config, { stderr: () => {}, ...options });
  open.push(upstream);
  return upstream;
}

function echo(upstream: Upstream, text = 'still here'): Promise<string> {
  return upstream.callTool({ name: 'echo', arguments: { text } }).then(textOf);
}

test('a crash mid-call fails that call with UPSTREAM_EXITED, and the next call restarts the server', async () => {
  const counter = join(mkdtempSync(join(tmpdir(), 'warden-crash-')), 'starts');
  const disconnects: Error[] = [];
  const stderr: string[] = [];
  const upstream = start(stdioConfig('crashy', 'crash-server.mjs', { env: { FIXTURE_COUNTER_FILE: counter } }), {
    hooks: { onDisconnect: (error) => void disconnects.push(error) },
    stderr: (line) => void stderr.push(line),
  });
  expect(await echo(upstream)).toBe('still here');

  const crash = upstream.callTool({ name: 'crash' });
  await expect(crash).rejects.toMatchObject({ code: 'UPSTREAM_EXITED' });
  await expect(crash).rejects.toThrowErrorMatchingInlineSnapshot(
    `[WardenError: Upstream "crashy" exited (code 1) while handling "tools/call"; it restarts on the next call]`,
  );
  expect(disconnects.map((error) => error.message)).toEqual(['Upstream "crashy" exited (code 1); it restarts on the next call']);
  expect(stderr).toContain('[crashy] crash-fixture: exiting on purpose');

  // The first restart is immediate.
  const restartedAt = Date.now();
  expect(await echo(upstream)).toBe('still here');
  expect(Date.now() - restartedAt).toBeLessThan(2000);
  expect(readFileSync(counter, 'utf8')).toBe('2');
});

test('crashes in a row back off before the next start', async () => {
  const upstream = start(stdioConfig('crashy', 'crash-server.mjs'), { backoff: { initialMs: 400 } });
  await expect(upstream.callTool({ name: 'crash' })).rejects.toMatchObject({ code: 'UPSTREAM_EXITED' });
  await expect(upstream.callTool({ name: 'crash' })).rejects.toMatchObject({ code: 'UPSTREAM_EXITED' });
  // Second failure in a row: the next start waits 400 ms, and the call waits with it rather than failing.
  const startedAt = Date.now();
  expect(await echo(upstream)).toBe('still here');
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(350);
});

test('a call whose deadline ends inside the backoff fails at once with UPSTREAM_UNAVAILABLE', async () => {
  const upstream = start(stdioConfig('crashy', 'crash-server.mjs'), { backoff: { initialMs: 5000 } });
  await expect(upstream.callTool({ name: 'crash' })).rejects.toMatchObject({ code: 'UPSTREAM_EXITED' });
  await expect(upstream.callTool({ name: 'crash' })).rejects.toMatchObject({ code: 'UPSTREAM_EXITED' });
  const startedAt = Date.now();
  await expect(upstream.callTool({ name: 'echo', arguments: { text: 'x' } }, { timeoutMs: 1000 })).rejects.toMatchObject({
    code: 'UPSTREAM_UNAVAILABLE',
    message: expect.stringMatching(/^Upstream "crashy" is restarting after a failure; the next attempt is in \d+ ms, after the deadline of "tools\/call"$/) as string,
  });
  expect(Date.now() - startedAt).toBeLessThan(500);
});

test('a hanging tool fails with UPSTREAM_TIMEOUT and the server keeps serving', async () => {
  const upstream = start(stdioConfig('hangs', 'hang-server.mjs', { timeoutMs: 400 }));
  await expect(upstream.callTool({ name: 'hang' })).rejects.toThrowErrorMatchingInlineSnapshot(
    `[WardenError: Upstream "hangs" did not answer "tools/call" within 400 ms]`,
  );
  expect(await echo(upstream)).toBe('still here');
});

test('the per-call timeout overrides the server default', async () => {
  const upstream = start(stdioConfig('hangs', 'hang-server.mjs', { timeoutMs: 60_000 }));
  await upstream.connect();
  const startedAt = Date.now();
  await expect(upstream.callTool({ name: 'hang' }, { timeoutMs: 250 })).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  expect(Date.now() - startedAt).toBeLessThan(1500);
});

test('garbage lines on stdout are reported and skipped, and calls still work', async () => {
  const stderr: string[] = [];
  const upstream = start(stdioConfig('noisy', 'garbage-server.mjs'), { stderr: (line) => void stderr.push(line) });
  expect(await echo(upstream, 'one')).toBe('one');
  expect(await echo(upstream, 'two')).toBe('two');
  expect(stderr).toContain('[noisy] Upstream "noisy" wrote a line to stdout that is not JSON-RPC; ignored it: "garbage!!"');
  expect(stderr).toContain('[noisy] Upstream "noisy" wrote a line to stdout that is not JSON-RPC; ignored it: "starting up, not JSON"');
});

test('a command that does not exist fails with UPSTREAM_UNAVAILABLE naming the command', async () => {
  const upstream = start(stdioConfig('ghost', '', { command: 'nonexistent-command-xyz', args: [] }));
  await expect(upstream.connect()).rejects.toThrowErrorMatchingInlineSnapshot(
    `[WardenError: Cannot start upstream "ghost": command "nonexistent-command-xyz" was not found (ENOENT); check the command and PATH]`,
  );
  await expect(upstream.callTool({ name: 'echo' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
});

test('a server that exits before initialize is reported with its exit code and last stderr line', async () => {
  const upstream = start(stdioConfig('quitter', '', { args: ['-e', 'console.error("cannot read config"); process.exit(3)'] }));
  const error = await upstream.connect().catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  expect((error as Error).message).toBe(
    `Cannot start upstream "quitter": command "${process.execPath}" exited with code 3 before answering "initialize"; its last stderr line was "cannot read config"`,
  );
});

test('a working directory that does not exist is named in the error', async () => {
  const upstream = start(stdioConfig('lost', 'echo-server.mjs', { cwd: '/definitely/not/here' }));
  await expect(upstream.connect()).rejects.toThrowErrorMatchingInlineSnapshot(
    `[WardenError: Cannot start upstream "lost": working directory "/definitely/not/here" does not exist]`,
  );
});

test('a JSON-RPC error from the server stays distinguishable as UPSTREAM_ERROR with the McpError as cause', async () => {
  const upstream = start(stdioConfig('echo', 'echo-server.mjs'));
  const error = await upstream.callTool({ name: 'throw' }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Upstream "echo" answered "tools/call" with error -32099: fixture failure on purpose' });
  expect((error as Error).cause).toMatchObject({ code: -32099, data: { hint: 'from the throw tool' } });
});

test('an isError result is a result, not an exception', async () => {
  const upstream = start(stdioConfig('echo', 'echo-server.mjs'));
  const result = await upstream.callTool({ name: 'fail' });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toBe('this tool always fails');
});
