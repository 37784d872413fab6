// The reloader on a real file: a valid edit is swapped in; an invalid one leaves the running config,
// marks it stale with where it failed (locations only) and logs the located error; the same text is
// not reloaded twice unless forced (SIGHUP); a config the process cannot run (its environment gone) is refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ConfigHolder, loadConfig } from '../../src/config/index.js';
import { ConfigReloader } from '../../src/cli/config-reload.js';
import { WardenError } from '../../src/errors.js';

const GOOD = (allow: string) => `servers:\n  echo:\n    command: node\nagents:\n  alice:\n    allow: ["${allow}"]\n    token: secret-token-value\n`;

async function setUp(text: string, check?: (config: Awaited<ReturnType<typeof loadConfig>>) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-reload-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, text);
  const holder = new ConfigHolder(await loadConfig({ file, env: {}, cwd: dir }));
  const lines: string[] = [];
  const reloader = new ConfigReloader({ holder, env: {}, cwd: dir, log: (line) => lines.push(line), ...(check ? { check } : {}) }, text);
  return { file, holder, reloader, lines, write: (next: string) => writeFileSync(file, next) };
}

test('a valid edit is swapped in and listeners hear of it', async () => {
  const s = await setUp(GOOD('echo/echo'));
  const before = s.holder.current();
  const heard: unknown[] = [];
  s.holder.onChange((config, previous) => heard.push([config, previous]));
  s.write(GOOD('echo/*'));
  await s.reloader.request('file changed');
  expect(s.holder.state()).toMatchObject({ generation: 2, stale: false });
  expect(heard).toHaveLength(1);
  expect(heard[0]).toEqual([s.holder.current(), before]);
  expect(s.holder.current()).not.toBe(before);
  expect(s.lines).toEqual(['config reloaded (file changed): generation 2']);
});

test('an invalid edit keeps the running config, stale, located; the log has the message, the state only where', async () => {
  const s = await setUp(GOOD('echo/echo'));
  const running = s.holder.current();
  s.write(GOOD('echo/*').replace('    token:', '    colour: "secret-token-value"\n    token:'));
  await s.reloader.request('file changed');
  expect(s.holder.current()).toBe(running);
  const state = s.holder.state();
  expect(state).toMatchObject({ generation: 1, stale: true, lastErrorWhere: ['gateway.yaml:7:5 agents.alice.colour'] });
  expect(state.lastError).toMatch(/^gateway\.yaml:7:5 agents\.alice\.colour: /);
  expect(JSON.stringify(state.lastErrorWhere)).not.toContain('secret');
  expect(s.lines[0]).toMatch(/^config reload \(file changed\) failed; still serving generation 1, now stale:\ngateway\.yaml:7:5 /);
  // A YAML syntax error too.
  s.write('servers: [unclosed\n');
  await s.reloader.request('file changed');
  expect(s.holder.state()).toMatchObject({ generation: 1, stale: true, lastErrorWhere: [expect.stringMatching(/^gateway\.yaml:\d+:\d+/) as unknown] });
  // Fixed: fresh again.
  s.write(GOOD('echo/add'));
  await s.reloader.request('file changed');
  expect(s.holder.state()).toEqual({ generation: 2, loadedAt: expect.any(Number) as unknown, stale: false, lastAttemptAt: expect.any(Number) as unknown });
});

test('the same text is not reloaded again unless forced', async () => {
  const s = await setUp(GOOD('echo/echo'));
  await s.reloader.request('file changed');
  expect(s.holder.state().generation).toBe(1);
  await s.reloader.request('SIGHUP', { force: true });
  expect(s.holder.state().generation).toBe(2);
});

test('requests made while a reload runs become one more reload', async () => {
  const s = await setUp(GOOD('echo/echo'));
  s.write(GOOD('echo/a'));
  const first = s.reloader.request('file changed');
  void s.reloader.request('SIGHUP', { force: true });
  void s.reloader.request('SIGHUP', { force: true });
  await first;
  await new Promise<void>((resolve) => {
    const off = s.holder.onChange(() => (off(), resolve()));
  });
  expect(s.holder.state().generation).toBe(3);
});

test('a config the process cannot run is refused like an invalid one', async () => {
  const s = await setUp(GOOD('echo/echo'), (config) => {
    if (!config.agents.alice?.token) throw new WardenError('BAD_INPUT', 'every agent needs a token');
  });
  s.write(GOOD('echo/*').replace('    token: secret-token-value\n', ''));
  await s.reloader.request('file changed');
  expect(s.holder.state()).toMatchObject({ generation: 1, stale: true, lastError: 'every agent needs a token', lastErrorWhere: ['BAD_INPUT'] });
});

test('a file that went away leaves the running config, stale', async () => {
  const s = await setUp(GOOD('echo/echo'));
  const { rmSync } = await import('node:fs');
  rmSync(s.file);
  await s.reloader.request('file changed');
  expect(s.holder.state()).toMatchObject({ generation: 1, stale: true, lastErrorWhere: ['CONFIG_NOT_FOUND'] });
});
