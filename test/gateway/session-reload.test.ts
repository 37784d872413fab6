// A session following config reloads, in process: a real SDK Client on in-memory transports, in-memory
// fixture upstreams, the real policy engine. A new policy applies from the next call with
// list_changed sent; only servers whose definition changed get a new connection; an agent removed
// from the config is served nothing more (fail closed).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { ConfigHolder, parseConfig } from '../../src/config/index.js';
import { createMemoryUpstream } from '../../src/upstream/index.js';
import { createInspector } from '../../src/inspect/index.js';
import { createApprover, MemoryTicketStore } from '../../src/approval/index.js';
import { createMemorySink } from '../../src/audit/jsonl-sink.js';
import { openSession } from '../../src/front/open-session.js';
import type { GatewayDeps } from '../../src/gateway/types.js';
import { createEchoServer } from '../fixtures/echo-tools.mjs';

function yaml(options: { deny?: string[]; notesArgs?: string[]; servers?: string; agents?: string; environments?: string } = {}): string {
  return `
servers:
  echo:
    command: node
    args: [echo.mjs]
    readonly: [echo, add]
  notes:
    command: node
    args: ${JSON.stringify(options.notesArgs ?? ['notes.mjs'])}
${options.servers ?? ''}
agents:
  dev:
    allow: ["**"]
    deny: ${JSON.stringify(options.deny ?? [])}
${options.agents ?? ''}
environments:
${options.environments ?? '  dev: { safety: full }'}
`;
}

async function gateway() {
  const dir = mkdtempSync(join(tmpdir(), 'warden-reload-'));
  const parse = (text: string) => parseConfig(text, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  const holder = new ConfigHolder(parse(yaml()));
  const created: string[] = [];
  const deps: GatewayDeps = {
    get config() {
      return holder.current();
    },
    configSource: holder,
    environment: 'dev',
    createUpstream: (server, opts) => {
      created.push(server.id);
      return createMemoryUpstream(server.id, () => createEchoServer({ name: server.id }), { hooks: opts.hooks });
    },
    inspector: createInspector(),
    approver: createApprover(holder.current().approval, { nonInteractive: false, store: new MemoryTicketStore() }),
    audit: createMemorySink(),
  };
  const client = new Client({ name: 'unit', version: '1' }, { capabilities: {} });
  let listChanged = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (listChanged += 1));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const { session, connect } = await openSession(deps, 'dev', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'unit', version: '1' } });
  await connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    session,
    created,
    listChanged: () => listChanged,
    reload: (text: string) => holder.replace(parse(text)),
    names: async () => (await client.listTools()).tools.map((tool) => tool.name).sort(),
    call: async (name: string, args: Record<string, unknown> = {}) => {
      try {
        const result = await client.callTool({ name, arguments: args });
        return { isError: Boolean(result.isError), text: (result.content as Array<{ text: string }>).map((c) => c.text).join('') };
      } catch (error) {
        return { isError: true, text: (error as Error).message };
      }
    },
    close: async () => (await client.close(), await session.close()),
  };
}

/** Lets the notifications sent on the in-memory transport arrive. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a new policy applies from the next call and list; the agent is told; no upstream is recreated', async () => {
  const g = await gateway();
  expect(await g.call('echo_add', { a: 1, b: 2 })).toEqual({ isError: false, text: '3' });
  expect(await g.names()).toContain('echo_add');
  expect(g.created.sort()).toEqual(['echo', 'notes']);
  expect(g.reload(yaml({ deny: ['echo/add'] }))).toEqual([]);
  await settle();
  expect(g.listChanged()).toBeGreaterThanOrEqual(1);
  expect(await g.names()).not.toContain('echo_add');
  expect(await g.call('echo_add', { a: 1, b: 2 })).toEqual({ isError: true, text: expect.stringContaining('Unknown tool "echo_add"') as unknown });
  expect(await g.call('echo_echo', { text: 'ok' })).toEqual({ isError: false, text: 'ok' });
  expect(g.created.sort()).toEqual(['echo', 'notes']);
  await g.close();
});

test('a changed server gets a new connection; a removed one goes; an added one comes', async () => {
  const g = await gateway();
  await g.names();
  g.reload(yaml({ notesArgs: ['notes.mjs', '--verbose'] }));
  expect(g.created.sort()).toEqual(['echo', 'notes', 'notes']);
  expect(await g.call('notes_echo', { text: 'again' })).toEqual({ isError: false, text: 'again' });
  g.reload(yaml({ notesArgs: ['notes.mjs', '--verbose'], servers: '  extra:\n    command: node\n    args: [extra.mjs]' }).replace(/  notes:\n    command: node\n    args: .*\n/, ''));
  const names = await g.names();
  expect(names.some((name) => name.startsWith('notes_'))).toBe(false);
  expect(names).toContain('extra_echo');
  expect(g.created.sort()).toEqual(['echo', 'extra', 'notes', 'notes']);
  await g.close();
});

test('an edit that moves lines but changes no server definition restarts nothing', async () => {
  const g = await gateway();
  await g.names();
  g.reload(`# a comment that shifts every line\n\n${yaml({ deny: ['notes/*'] })}`);
  await g.names();
  expect(g.created.sort()).toEqual(['echo', 'notes']);
  await g.close();
});

test('an environment change applies: an environment that no longer lists the agent leaves it nothing', async () => {
  const g = await gateway();
  expect(await g.call('echo_echo', { text: 'x' })).toEqual({ isError: false, text: 'x' });
  g.reload(yaml({ agents: '  other:\n    allow: ["**"]', environments: '  dev: { safety: full, agents: [other] }' }));
  expect(await g.names()).toEqual([]);
  expect((await g.call('echo_echo', { text: 'x' })).isError).toBe(true);
  await g.close();
});

test('an agent removed from the config is served nothing more', async () => {
  const g = await gateway();
  expect(await g.call('echo_echo', { text: 'x' })).toEqual({ isError: false, text: 'x' });
  g.reload(yaml().replace(/  dev:\n    allow: \["\*\*"\]\n    deny: \[\]\n/, '  someone-else:\n    allow: ["echo/echo"]\n'));
  expect(g.session.revoked).toBe('Agent "dev" is no longer defined in the gateway\'s config');
  expect(await g.names()).toEqual([]);
  expect(await g.call('echo_echo', { text: 'x' })).toEqual({ isError: true, text: expect.stringContaining('no longer defined') as unknown });
  await g.close();
});
