// The child's environment is minimal: a parent secret stays out, the server's env and the
// environment's env go in, and the working directory is the configured (or overriding) one.
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { buildChildEnv } from '../../src/upstream/child-env.js';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import type { Upstream } from '../../src/upstream/types.js';
import { stdioConfig, textOf } from './helpers.js';

const open: Upstream[] = [];
beforeEach(() => {
  process.env.SECRET_X = 'do-not-leak';
});
afterEach(async () => {
  delete process.env.SECRET_X;
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

async function childView(upstream: Upstream): Promise<{ env: Record<string, string>; cwd: string }> {
  open.push(upstream);
  return JSON.parse(textOf(await upstream.callTool({ name: 'env' }))) as { env: Record<string, string>; cwd: string };
}

test('buildChildEnv keeps only the inherited names, then server env, then extra env', () => {
  const parent = { PATH: '/bin', HOME: '/home/a', SECRET_X: 'no', AWS_SECRET_ACCESS_KEY: 'no', LANG: 'C' };
  expect(buildChildEnv({ A: '1', LANG: 'fr' }, { A: '2', B: '3' }, parent)).toEqual({ PATH: '/bin', HOME: '/home/a', LANG: 'fr', A: '2', B: '3' });
});

test('a stdio child sees the minimal environment plus server and environment env, never a parent secret', async () => {
  const view = await childView(
    createUpstream(stdioConfig('echo', 'echo-server.mjs', { env: { FROM_SERVER: 'server', SHARED: 'server' } }), {
      extraEnv: { FROM_ENVIRONMENT: 'environment', SHARED: 'environment' },
    }),
  );
  expect(view.env.SECRET_X).toBeUndefined();
  expect(view.env.FROM_SERVER).toBe('server');
  expect(view.env.FROM_ENVIRONMENT).toBe('environment');
  expect(view.env.SHARED).toBe('environment');
  expect(view.env.PATH).toBe(process.env.PATH);
  const allowed = new Set(['PATH', 'HOME', 'USER', 'LANG', 'TERM', 'SHELL', 'FROM_SERVER', 'FROM_ENVIRONMENT', 'SHARED']);
  expect(Object.keys(view.env).filter((name) => !allowed.has(name))).toEqual([]);
});

test('the working directory is the server cwd, or the override (a profile working_dir)', async () => {
  const configured = realpathSync(mkdtempSync(join(tmpdir(), 'warden-cwd-')));
  const override = realpathSync(mkdtempSync(join(tmpdir(), 'warden-wd-')));
  expect((await childView(createUpstream(stdioConfig('echo', 'echo-server.mjs', { cwd: configured })))).cwd).toBe(configured);
  expect((await childView(createUpstream(stdioConfig('echo', 'echo-server.mjs', { cwd: configured }), { cwd: override }))).cwd).toBe(override);
});
