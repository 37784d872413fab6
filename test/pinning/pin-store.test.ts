// The PinStore contract on the file store and its memory twin, then what only the files do: where
// the state lives, its modes, and refusing a damaged state file.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createMemoryPinStore, createPinStore, pinEntity, pinStateDir, writeLockfile } from '../../src/pinning/index.js';
import { pinStoreContract } from './pin-store-contract.js';

function fileHarness() {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pins-'));
  const options = { lockfilePath: join(dir, 'gateway.lock'), stateDir: join(dir, 'state'), configPath: join(dir, 'gateway.yaml') };
  return { dir, options };
}

pinStoreContract('file', async () => {
  const { options } = fileHarness();
  return {
    store: createPinStore(options),
    setLockfile: async (lock) => (lock ? writeLockfile(options.lockfilePath, lock) : rmSync(options.lockfilePath, { force: true })),
    sibling: () => createPinStore(options),
  };
});

pinStoreContract('memory', async () => {
  const store = createMemoryPinStore();
  return { store, setLockfile: async (lock) => store.setLockfile(lock) };
});

test('file: state lives in <state>/pins/<config hash>/<server>/, one 0600 file per entity in 0700 directories, one per config', async () => {
  const { dir, options } = fileHarness();
  const store = createPinStore(options);
  await store.trust('echo', pinEntity('tool', { name: 'echo' }));
  const stateDir = pinStateDir(options.stateDir, options.configPath);
  expect(stateDir).toMatch(new RegExp(`^${join(dir, 'state', 'pins')}/[0-9a-f]{16}$`));
  expect(readdirSync(stateDir)).toEqual(['echo']);
  const files = readdirSync(join(stateDir, 'echo'));
  expect(files).toEqual([expect.stringMatching(/^tool\.[0-9a-f]{32}\.json$/)]);
  for (const each of [stateDir, join(stateDir, 'echo')]) expect(statSync(each).mode & 0o777).toBe(0o700);
  expect(statSync(join(stateDir, 'echo', files[0]!)).mode & 0o777).toBe(0o600);
  expect(store.source()).toEqual({ kind: 'state', path: stateDir });
  // Another config's gateway trusts nothing of this one's.
  const other = createPinStore({ ...options, configPath: join(dir, 'other.yaml') });
  expect(await other.load('echo')).toBeUndefined();
});

test.each([
  ['not JSON', '{'],
  ['another version', '{"version": 2}'],
  ['a digest that does not match', JSON.stringify({ version: 1, origin: 'first-use', over: null, entity: { ...pinEntity('tool', { name: 'echo' }), definition: { name: 'echo', description: 'swapped' } } })],
  ['no origin', JSON.stringify({ version: 1, over: null, entity: pinEntity('tool', { name: 'echo' }) })],
  ['null', 'null'],
])('file: a damaged state file (%s) fails load: fail closed', async (_name, text) => {
  const { options } = fileHarness();
  const store = createPinStore(options);
  await store.trust('echo', pinEntity('tool', { name: 'echo' }));
  const dir = join(pinStateDir(options.stateDir, options.configPath), 'echo');
  writeFileSync(join(dir, readdirSync(dir)[0]!), text);
  await expect(store.load('echo')).rejects.toThrow(/The pin state ".*\.json" is damaged .*; delete it to trust this definition again on first use/);
});

test('file: a tampered lockfile fails load: fail closed', async () => {
  const { options } = fileHarness();
  writeFileSync(options.lockfilePath, 'version: 1\nservers:\n  echo:\n    tools:\n      echo:\n        digest: sha256:00\n        definition: { name: echo }\n');
  const store = createPinStore(options);
  await expect(store.load('echo')).rejects.toThrow(/servers.echo.tools.echo.digest: The digest of tool "echo" does not match/);
});

test('file: trust refuses an entity whose digest does not match its definition', async () => {
  const { options } = fileHarness();
  const store = createPinStore(options);
  await expect(store.trust('echo', { ...pinEntity('tool', { name: 'echo' }), definition: { name: 'echo', description: 'x' } })).rejects.toThrow(/does not match its definition/);
});
