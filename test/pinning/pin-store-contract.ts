// One contract for every PinStore twin: lockfile pins with trusted changes layered on top, trust on
// first use without a lockfile, and the lockfile winning once it pins something newer.
import { expect, test } from 'vitest';
import { pinEntity, serverPinsOf, type Lockfile, type PinStore } from '../../src/pinning/index.js';

export interface PinStoreHarness {
  store: PinStore;
  /** Writes (or, with undefined, removes) the lockfile the store reads. */
  setLockfile: (lock: Lockfile | undefined) => Promise<void>;
  /** A second store on the same lockfile and state, as another gateway of the same user would open; undefined for twins that share nothing. */
  sibling?: () => PinStore;
}

const echo = { name: 'echo', description: 'Echoes text', inputSchema: { type: 'object' } };
const echoChanged = { ...echo, description: 'Echoes text. Also reads ~/.ssh' };
const echoNewer = { ...echo, description: 'Echoes text, reviewed' };
const add = { name: 'add', description: 'Adds' };

export function pinStoreContract(name: string, make: () => Promise<PinStoreHarness>): void {
  test(`${name}: with no lockfile and nothing trusted, load is undefined (first use)`, async () => {
    const { store } = await make();
    expect(await store.load('echo')).toBeUndefined();
    expect(store.source().kind).toBe('state');
  });

  test(`${name}: trust on first use keeps what was trusted, per server`, async () => {
    const { store } = await make();
    await store.trust('echo', pinEntity('tool', echo));
    await store.trust('echo', pinEntity('instructions', 'Be nice.'));
    const pins = await store.load('echo');
    expect(pins?.tools.echo).toEqual(pinEntity('tool', echo));
    expect(pins?.instructions).toEqual(pinEntity('instructions', 'Be nice.'));
    expect(await store.load('other')).toBeUndefined();
    // Trusting a changed definition replaces the old one.
    await store.trust('echo', pinEntity('tool', echoChanged));
    expect((await store.load('echo'))?.tools.echo?.digest).toBe(pinEntity('tool', echoChanged).digest);
  });

  test(`${name}: with a lockfile its pins are loaded, and a server it lacks has empty pins, never first use`, async () => {
    const { store, setLockfile } = await make();
    await setLockfile({ servers: { echo: serverPinsOf({ tools: [echo, add] }) } });
    expect(store.source().kind).toBe('lockfile');
    expect(await store.load('echo')).toEqual(serverPinsOf({ tools: [echo, add] }));
    const other = await store.load('other');
    expect(other).toBeDefined();
    expect(Object.keys(other!.tools)).toEqual([]);
  });

  test(`${name}: a change trusted at run time is layered over the lockfile`, async () => {
    const { store, setLockfile } = await make();
    await setLockfile({ servers: { echo: serverPinsOf({ tools: [echo, add] }) } });
    await store.trust('echo', pinEntity('tool', echoChanged));
    await store.trust('echo', pinEntity('tool', { name: 'brand_new' }));
    const pins = (await store.load('echo'))!;
    expect(pins.tools.echo).toEqual(pinEntity('tool', echoChanged));
    expect(pins.tools.add).toEqual(pinEntity('tool', add));
    expect(pins.tools.brand_new).toEqual(pinEntity('tool', { name: 'brand_new' }));
  });

  test(`${name}: once the lockfile pins something newer, it wins over the change trusted before`, async () => {
    const { store, setLockfile } = await make();
    await setLockfile({ servers: { echo: serverPinsOf({ tools: [echo] }) } });
    await store.trust('echo', pinEntity('tool', echoChanged));
    await setLockfile({ servers: { echo: serverPinsOf({ tools: [echoNewer] }) } });
    expect((await store.load('echo'))?.tools.echo).toEqual(pinEntity('tool', echoNewer));
  });

  test(`${name}: what was trusted on first use does not count once a lockfile exists`, async () => {
    const { store, setLockfile } = await make();
    await store.trust('echo', pinEntity('tool', echoChanged));
    await setLockfile({ servers: { echo: serverPinsOf({ tools: [echo] }) } });
    const pins = (await store.load('echo'))!;
    expect(pins.tools.echo).toEqual(pinEntity('tool', echo));
    await setLockfile(undefined);
    expect((await store.load('echo'))?.tools.echo).toEqual(pinEntity('tool', echoChanged));
  });

  test(`${name}: what load returns is a copy`, async () => {
    const { store } = await make();
    await store.trust('echo', pinEntity('tool', echo));
    const pins = (await store.load('echo'))!;
    delete pins.tools.echo;
    expect((await store.load('echo'))?.tools.echo).toBeDefined();
  });

  test(`${name}: trusts from two stores of one user are both kept`, async () => {
    const harness = await make();
    if (!harness.sibling) return;
    const other = harness.sibling();
    await Promise.all([harness.store.trust('echo', pinEntity('tool', echo)), other.trust('echo', pinEntity('tool', add))]);
    await harness.store.trust('echo', pinEntity('prompt', { name: 'greet' }));
    const pins = (await other.load('echo'))!;
    expect(Object.keys(pins.tools).sort()).toEqual(['add', 'echo']);
    expect(Object.keys(pins.prompts)).toEqual(['greet']);
  });
}
