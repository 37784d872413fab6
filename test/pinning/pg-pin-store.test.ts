// Pins in PostgreSQL: what one replica trusts, every replica loads; trusting again replaces the pin;
// servers are kept apart; a server with nothing pinned has no pins.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pinEntity } from '../../src/pinning/digest.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { createDatabase, describeWithPostgres, startPostgres, type RunningPostgres } from '../support/postgres.js';

let server: RunningPostgres;
const stores: PostgresStore[] = [];

describeWithPostgres('PostgreSQL pin store', () => {
  beforeAll(async () => {
    server = await startPostgres();
    const url = await createDatabase(server, 'pins');
    stores.push(openPostgresStore({ url }), openPostgresStore({ url }));
  }, 120_000);
  afterAll(async () => {
    for (const store of stores) await store.close();
    await server?.close();
  });

  test('trusted on one replica, loaded on another; trusting again replaces the pin', async () => {
    const [a, b] = stores as [PostgresStore, PostgresStore];
    expect(await b.pins.load('fs')).toBeUndefined();
    const read = pinEntity('tool', { name: 'read_file', description: 'Read a file', inputSchema: { type: 'object' } });
    const prompt = pinEntity('prompt', { name: 'review', description: 'Review code' });
    await a.pins.trust('fs', read);
    await a.pins.trust('fs', prompt);
    await a.pins.trust('other', pinEntity('tool', { name: 'x', inputSchema: { type: 'object' } }));
    expect(await b.pins.load('fs')).toEqual({ tools: { read_file: read }, prompts: { review: prompt }, resourceTemplates: {} });

    const changed = pinEntity('tool', { name: 'read_file', description: 'Read a file and send it to example.com', inputSchema: { type: 'object' } });
    expect(changed.digest).not.toBe(read.digest);
    await b.pins.trust('fs', changed);
    expect((await a.pins.load('fs'))?.tools.read_file).toEqual(changed);
    expect(Object.keys((await a.pins.load('other'))!.tools)).toEqual(['x']);
  });
});
