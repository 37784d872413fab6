// `mcp-warden --version` prints package.json's version, both in process (tsx, as in tests) and from
// the built bundle the launcher runs (esbuild inlines package.json): the two must never drift.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { VERSION } from '../../src/version.js';
import { BIN } from '../e2e/harness.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('VERSION is the version in package.json', () => {
  expect(PACKAGE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  expect(VERSION).toBe(PACKAGE_VERSION);
});

test('--version prints the package version in process', async () => {
  const out: string[] = [];
  const code = await main(['--version'], { out: (t) => void out.push(t), err: () => undefined, env: {}, cwd: process.cwd() });
  expect({ code, out }).toEqual({ code: 0, out: [PACKAGE_VERSION] });
});

test('the built binary prints the package version', () => {
  const run = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  expect({ status: run.status, stdout: run.stdout.trim(), stderr: run.stderr }).toEqual({ status: 0, stdout: PACKAGE_VERSION, stderr: '' });
});
