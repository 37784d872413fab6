import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { isWardenError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'warden-load-'));
writeFileSync(path.join(dir, 'gateway.yaml'), 'agents:\n  default-file: {}\n');
writeFileSync(path.join(dir, 'other.yaml'), 'agents:\n  other-file: {}\n');
writeFileSync(path.join(dir, 'bad.yaml'), 'agents:\n  a: { extends: [nope] }\n');

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isWardenError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('Expected a rejection');
}

test('the file is options.file, else $MCP_WARDEN_CONFIG, else ./gateway.yaml', async () => {
  expect(Object.keys((await loadConfig({ cwd: dir, env: {} })).agents)).toEqual(['default-file']);
  expect(Object.keys((await loadConfig({ cwd: dir, env: { MCP_WARDEN_CONFIG: 'other.yaml' } })).agents)).toEqual(['other-file']);
  expect(Object.keys((await loadConfig({ cwd: dir, env: { MCP_WARDEN_CONFIG: 'other.yaml' }, file: 'gateway.yaml' })).agents)).toEqual(['default-file']);
});

test('a missing file is CONFIG_NOT_FOUND with what to do', async () => {
  expect(await rejection(loadConfig({ cwd: dir, env: {}, file: 'missing.yaml' }))).toEqual({
    code: 'CONFIG_NOT_FOUND',
    message: 'Config file "missing.yaml" not found; pass --config FILE, set MCP_WARDEN_CONFIG, or start from one in examples/',
  });
  expect((await rejection(loadConfig({ cwd: dir, env: {}, file: '.' }))).code).toBe('CONFIG_NOT_FOUND');
});

test('errors show the file relative to cwd when inside it, else absolute', async () => {
  expect(await rejection(loadConfig({ cwd: dir, env: {}, file: 'bad.yaml' }))).toEqual({
    code: 'CONFIG_INVALID',
    message: 'bad.yaml:2:18 agents.a.extends[0]: Unknown profile "nope"; the profiles are "readonly", "developer", "eval" and "developer-bash-only"',
  });
  const outside = await rejection(loadConfig({ cwd: '/', env: {}, file: path.join(dir, 'bad.yaml') }));
  expect(outside.message.startsWith(`${path.join(dir, 'bad.yaml').slice(1)}:2:18`)).toBe(true);
  const elsewhere = await rejection(loadConfig({ cwd: path.join(dir, 'sub'), env: {}, file: path.join(dir, 'bad.yaml') }));
  expect(elsewhere.message.startsWith(`${path.join(dir, 'bad.yaml')}:2:18`)).toBe(true);
});
