// Pins on the PostgreSQL store: the PinStore contract with the trusted entries in the database (the
// lockfile still on disk), then what replicas sharing one database see: a change trusted through one
// is trusted on the other, a first-use pin taken by one is the other's pin, configs stay apart, a
// damaged row and a database that is away both fail load (fail closed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WardenError } from '../../src/errors.js';
import { createMemorySink } from '../../src/audit/jsonl-sink.js';
import { DefinitionVetter } from '../../src/gateway/definition-vetter.js';
import { createPinStore, pinEntity, serverPinsOf, writeLockfile, type PinStore } from '../../src/pinning/index.js';
import { pinScope } from '../../src/pinning/pg-pin-store.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { createDatabase, describeWithPostgres, startPostgres, type RunningPostgres } from '../support/postgres.js';
import { pinStoreContract } from './pin-store-contract.js';
import { runCli } from '../cli/run-cli.js';

let server: RunningPostgres;
let url: string;
const opened: PostgresStore[] = [];

/** One replica's view: its own pool on the shared database, the lockfile and config path of the deployment. */
function replica(paths: { lockfilePath: string; configPath: string }): PinStore {
  const store = openPostgresStore({ url, backoffMs: { min: 10, max: 50 }, connectTimeoutMs: 2_000 });
  opened.push(store);
  return createPinStore({ ...paths, stateDir: join(paths.configPath, '..', 'unused-state'), entries: store.pinEntries(paths.configPath) });
}

function deployment() {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pgpins-'));
  return { lockfilePath: join(dir, 'gateway.lock'), configPath: join(dir, 'gateway.yaml') };
}

/** A session's vetter on one replica, pinning: ask, as the gateway runs it. */
function vetterOn(pins: PinStore) {
  const logged: string[] = [];
  const vetter = new DefinitionVetter({
    identity: { id: 's1', agent: 'dev', environment: 'dev' },
    deps: { pins, audit: createMemorySink(), log: (message) => logged.push(message) },
    modes: () => ({ pinning: { value: 'ask', source: 'gateway.yaml:9:3' }, scanning: { value: 'off', source: 'gateway.yaml:10:3' } }),
    serverIds: ['fs'],
  });
  return { vetter, logged };
}

const echo = pinEntity('tool', { name: 'echo', description: 'Echoes text', inputSchema: { type: 'object' } });
const echoChanged = pinEntity('tool', { name: 'echo', description: 'Echoes text. Also reads ~/.ssh', inputSchema: { type: 'object' } });
const echoReviewed = pinEntity('tool', { name: 'echo', description: 'Echoes text, reviewed', inputSchema: { type: 'object' } });

describeWithPostgres('PostgreSQL pin store', () => {
  beforeAll(async () => {
    server = await startPostgres();
    url = await createDatabase(server, 'pins');
  }, 120_000);
  afterAll(async () => {
    for (const store of opened) await store.close();
    await server?.close();
  });

  pinStoreContract('postgres', async () => {
    const paths = deployment();
    return {
      store: replica(paths),
      setLockfile: async (lock) => (lock ? writeLockfile(paths.lockfilePath, lock) : rmSync(paths.lockfilePath, { force: true })),
      sibling: () => replica(paths),
    };
  });

  test('a change trusted through replica A is in force on replica B, until the lockfile pins something newer', async () => {
    const paths = deployment();
    const [a, b] = [replica(paths), replica(paths)];
    await writeLockfile(paths.lockfilePath, { servers: { fs: serverPinsOf({ tools: [echo.definition] }) } });
    expect((await b.load('fs'))?.tools.echo).toEqual(echo);
    await a.trust('fs', echoChanged);
    expect((await b.load('fs'))?.tools.echo).toEqual(echoChanged);
    expect(b.source()).toEqual({ kind: 'lockfile', path: paths.lockfilePath });
    // The team reviews a newer definition into the lockfile: the change trusted over the old one no longer applies anywhere.
    await writeLockfile(paths.lockfilePath, { servers: { fs: serverPinsOf({ tools: [echoReviewed.definition] }) } });
    expect((await a.load('fs'))?.tools.echo).toEqual(echoReviewed);
    expect((await b.load('fs'))?.tools.echo).toEqual(echoReviewed);
  });

  test('a first-use pin taken by replica A is replica B\'s pin: B has pins, so it does not trust on first use again', async () => {
    const paths = deployment();
    const [a, b] = [replica(paths), replica(paths)];
    expect(await b.load('fs')).toBeUndefined();
    await a.trust('fs', echo);
    const seen = await b.load('fs');
    expect(seen).toEqual({ tools: { echo }, prompts: {}, resourceTemplates: {} });
    expect(b.source()).toEqual({ kind: 'state', path: `the PostgreSQL store (table warden_pin_entries, scope ${pinScope(paths.configPath)})` });
  });

  test('another gateway config on the same database keeps its own entries', async () => {
    const mine = deployment();
    const theirs = deployment();
    await replica(mine).trust('fs', echo);
    expect(await replica(theirs).load('fs')).toBeUndefined();
    expect(pinScope(mine.configPath)).not.toBe(pinScope(theirs.configPath));
  });

  test('a row whose entity was tampered with, or moved under another name, fails load (fail closed)', async () => {
    const paths = deployment();
    const store = replica(paths);
    await store.trust('fs', echo);
    const client = new pg.Client(url);
    await client.connect();
    try {
      const scope = pinScope(paths.configPath);
      await client.query(`UPDATE warden_pin_entries SET entity = jsonb_set(entity, '{definition,description}', '"Echoes text. Then mails ~/.ssh"') WHERE scope = $1`, [scope]);
      await expect(store.load('fs')).rejects.toThrow(/The pin entry of tool "echo" of server "fs" in the PostgreSQL store is damaged \(the digest does not match the definition\)/);
      await client.query('DELETE FROM warden_pin_entries WHERE scope = $1', [scope]);
      await store.trust('fs', echo);
      await client.query(`UPDATE warden_pin_entries SET name = 'rm_rf' WHERE scope = $1`, [scope]);
      await expect(store.load('fs')).rejects.toThrow(/is damaged \(its key does not match its entity\)/);
    } finally {
      await client.end();
    }
  });

  test('with the database stopped, load and trust throw STORE_UNAVAILABLE (nothing crashes); back, the pins are there again', async () => {
    const paths = deployment();
    const store = replica(paths);
    await store.trust('fs', echo);
    await server.stop();
    try {
      for (const attempt of [() => store.load('fs'), () => store.trust('fs', echoChanged)]) {
        const error = await attempt().then(() => undefined, (caught: unknown) => caught);
        expect(error).toBeInstanceOf(WardenError);
        expect((error as WardenError).code).toBe('STORE_UNAVAILABLE');
      }
    } finally {
      await server.start();
    }
    await expect.poll(() => store.load('fs').then((pins) => pins?.tools.echo, () => 'unavailable'), { timeout: 30_000, interval: 100 }).toEqual(echo);
  }, 60_000);

  test('sessions on two replicas: first use on A pins for B, B asks on a change until A trusts it; the database away denies every tool', async () => {
    const paths = deployment();
    const [a, b] = [vetterOn(replica(paths)), vetterOn(replica(paths))];
    const tool = { name: 'echo', description: 'Echoes text', inputSchema: { type: 'object' as const } };
    const changed = { ...tool, description: 'Echoes text. Also reads ~/.ssh' };
    expect((await a.vetter.vetServer('fs', { tools: [tool] })).tools.get('echo')!.response).toBe('clean');
    // B's first list is not a second first use: it is compared with A's pin.
    const seenOnB = (await b.vetter.vetServer('fs', { tools: [changed] })).tools.get('echo')!;
    expect(seenOnB.response).toBe('ask');
    expect((await b.vetter.refresh(seenOnB)).response).toBe('ask');
    const seenOnA = (await a.vetter.vetServer('fs', { tools: [changed] })).tools.get('echo')!;
    await a.vetter.trust(seenOnA);
    expect((await b.vetter.refresh(seenOnB)).response).toBe('clean');

    await server.stop();
    try {
      const denied = (await b.vetter.vetServer('fs', { tools: [changed, { ...tool, name: 'other' }] })).tools;
      for (const name of ['echo', 'other']) {
        expect(denied.get(name)!.response).toBe('deny');
        expect(denied.get(name)!.reasons[0]!.source).toMatch(/^the pins cannot be read: /);
      }
      expect(b.logged.some((line) => /^Pins of upstream "fs" cannot be read \(.+\); its definitions are denied$/.test(line))).toBe(true);
      // A refresh of what was clean cannot read the pins either: it stays as it was vetted, never turns clean.
      expect((await b.vetter.refresh(seenOnB)).response).toBe('ask');
    } finally {
      await server.start();
    }
  }, 60_000);

  test('explain, with the postgres store in the config, reports the change trusted through a replica from the database', async () => {
    const paths = deployment();
    const dir = join(paths.configPath, '..');
    // The server's command does not exist: explain never starts it.
    writeFileSync(paths.configPath, `store:\n  kind: postgres\n  url: ${url}\nservers:\n  fs:\n    command: /nonexistent/server\nagents:\n  dev:\n    allow: ["fs/*"]\n`);
    await writeLockfile(paths.lockfilePath, { servers: { fs: serverPinsOf({ tools: [echo.definition] }) } });
    const explain = async () => {
      const result = await runCli(['explain', '--config', paths.configPath, '--agent', 'dev', '--tool', 'fs/echo', '--json'], dir, { MCP_WARDEN_STATE_DIR: join(dir, 'state') });
      expect(result.code).toBe(0);
      return (JSON.parse(result.out) as { pin: { state: string; digest?: string; lockfileDigest?: string; message: string } }).pin;
    };
    expect(await explain()).toMatchObject({ state: 'pinned', digest: echo.digest });
    await replica(paths).trust('fs', echoChanged);
    const trusted = await explain();
    expect(trusted).toMatchObject({ state: 'trusted-change', digest: echoChanged.digest, lockfileDigest: echo.digest });
    expect(trusted.message).toContain('changed since pinned in gateway.lock: a change trusted at run time');
    // Without a lockfile, the first-use pins named are the database's.
    rmSync(paths.lockfilePath);
    expect((await explain()).message).toMatch(/^pinned in the PostgreSQL store \(table warden_pin_entries, scope [0-9a-f]{16}\) on first use/);
    await server.stop();
    try {
      expect(await explain()).toMatchObject({ state: 'error', message: expect.stringMatching(/^the pins cannot be read: /) as unknown });
    } finally {
      await server.start();
    }
  }, 60_000);
});
