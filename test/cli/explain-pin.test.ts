// explain shows what the pin store holds for the tool: pinned in the lockfile, changed since (a
// change trusted at run time), pinned on first use, not pinned, or unreadable; offline, and without
// changing `decision` or `reasons`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createPinStore, pinEntity, serverPinsOf, writeLockfile } from '../../src/pinning/index.js';
import { runCli } from './run-cli.js';

const echo = { name: 'echo', description: 'Echoes text' };

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'warden-explain-pin-'));
  const file = join(dir, 'gateway.yaml');
  // The server's command does not exist: explain must not start it.
  writeFileSync(file, 'servers:\n  echo:\n    command: /nonexistent/server\nagents:\n  dev:\n    allow: ["echo/*"]\n');
  const env = { MCP_WARDEN_STATE_DIR: join(dir, 'state') };
  const store = createPinStore({ lockfilePath: join(dir, 'gateway.lock'), stateDir: env.MCP_WARDEN_STATE_DIR, configPath: file });
  const explain = async (tool = 'echo/echo', extra: string[] = []) => {
    const result = await runCli(['explain', '--config', file, '--agent', 'dev', '--tool', tool, '--json', ...extra], dir, env);
    expect(result.code).toBe(0);
    return JSON.parse(result.out) as { decision: string; reasons: unknown[]; pin: { state: string; digest?: string; lockfileDigest?: string; source: { kind: string; path: string }; message: string } };
  };
  return { dir, file, env, store, explain };
}

test('no lockfile, nothing trusted: not pinned; after first use: pinned in the state directory', async () => {
  const { store, explain } = setup();
  const before = await explain();
  expect(before.decision).toBe('allow');
  expect(before.pin).toMatchObject({ state: 'not-pinned', source: { kind: 'state' } });
  await store.trust('echo', pinEntity('tool', echo));
  const after = await explain();
  expect(after.pin).toMatchObject({ state: 'pinned', digest: pinEntity('tool', echo).digest, source: { kind: 'state' } });
  expect(after.pin.message).toMatch(/^pinned in the state directory \(.*\) on first use \(sha256:[0-9a-f]{12}…\)$/);
});

test('pinned in the lockfile, then changed since by a change trusted at run time', async () => {
  const { dir, store, explain } = setup();
  await writeLockfile(join(dir, 'gateway.lock'), { servers: { echo: serverPinsOf({ tools: [echo] }) } });
  const pinned = await explain();
  expect(pinned.pin).toMatchObject({ state: 'pinned', digest: pinEntity('tool', echo).digest, source: { kind: 'lockfile', path: join(dir, 'gateway.lock') } });
  expect(pinned.pin.message).toMatch(/^pinned in gateway\.lock \(sha256:/);
  expect((await explain('echo/other')).pin).toMatchObject({ state: 'not-pinned', message: 'not pinned in gateway.lock: its definition is new to the gateway' });

  const changed = pinEntity('tool', { ...echo, description: 'Echoes text, trusted' });
  await store.trust('echo', changed);
  const trusted = await explain();
  expect(trusted.pin).toMatchObject({ state: 'trusted-change', digest: changed.digest, lockfileDigest: pinEntity('tool', echo).digest });
  expect(trusted.pin.message).toContain('changed since pinned in gateway.lock: a change trusted at run time');
});

test('a tampered lockfile is reported, and the text form has a pin line', async () => {
  const { dir, file, env, explain } = setup();
  writeFileSync(join(dir, 'team.lock'), 'version: 1\nservers:\n  echo:\n    tools:\n      echo:\n        digest: sha256:00\n        definition: { name: echo }\n');
  const json = await explain('echo/echo', ['--lockfile', 'team.lock']);
  expect(json.pin.state).toBe('error');
  expect(json.pin.message).toMatch(/^the pins cannot be read: \S*team\.lock:6:\d+ servers\.echo\.tools\.echo\.digest: The digest of tool "echo" does not match/);
  const text = await runCli(['explain', '--config', file, '--agent', 'dev', '--tool', 'echo/echo'], dir, env);
  expect(text.code).toBe(0);
  expect(text.out.split('\n').at(-1)).toMatch(/^  pin   not pinned in the state directory \(.+\): its definition is new to the gateway$/);
});
