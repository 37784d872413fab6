// ClientUpstream's own behaviour, over in-memory transports: shared lazy connect, lenient parsing of
// odd results, pagination, server→client requests without a hook, restart after the server goes away.
import { afterEach, expect, test } from 'vitest';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ElicitResultSchema, ListRootsResultSchema, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { createMemoryUpstream } from '../../src/upstream/memory-upstream.js';
import { ClientUpstream } from '../../src/upstream/client-upstream.js';
import { createEchoServer } from '../fixtures/echo-tools.mjs';
import { textOf, waitFor } from './helpers.js';

const open: ClientUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});
function track(upstream: ClientUpstream): ClientUpstream {
  open.push(upstream);
  return upstream;
}

/** A low-level server whose tools/list and tools/call answers are whatever the test says. */
function rawServer(handlers: { list?: (cursor?: string) => Record<string, unknown>; call?: () => Record<string, unknown> }): Server {
  const server = new Server({ name: 'raw', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
  server.setRequestHandler(CallToolRequestSchema, async () => ({ content: [] }));
  // Underneath setRequestHandler, which would validate our deliberately odd answers away.
  const handlers_ = (server as unknown as { _requestHandlers: Map<string, (request: { params?: { cursor?: string } }) => Promise<unknown>> })._requestHandlers;
  handlers_.set('tools/list', async (request) => handlers.list?.(request.params?.cursor));
  handlers_.set('tools/call', async () => handlers.call?.());
  return server;
}

test('concurrent first uses share one connect', async () => {
  let made = 0;
  const upstream = track(createMemoryUpstream('echo', () => (made++, createEchoServer())));
  const results = await Promise.all(Array.from({ length: 5 }, (_, index) => upstream.callTool({ name: 'echo', arguments: { text: String(index) } })));
  expect(results.map(textOf)).toEqual(['0', '1', '2', '3', '4']);
  expect(made).toBe(1);
});

test('listTools follows pagination and stops at a repeated cursor', async () => {
  const pages: Record<string, Record<string, unknown>> = {
    '': { tools: [{ name: 'a', inputSchema: { type: 'object' } }], nextCursor: 'p2' },
    p2: { tools: [{ name: 'b', inputSchema: { type: 'object' } }], nextCursor: 'p3' },
    p3: { tools: [{ name: 'c' }, { nameless: true }], nextCursor: 'p2' },
  };
  const upstream = track(createMemoryUpstream('paged', () => rawServer({ list: (cursor = '') => pages[cursor]! })));
  const tools = await upstream.listTools();
  expect(tools.map((tool) => tool.name)).toEqual(['a', 'b', 'c']);
  // A tool without inputSchema gets an empty object schema instead of failing the whole list.
  expect(tools[2]?.inputSchema).toEqual({ type: 'object' });
});

test('a slightly-off tool result is accepted: extra fields kept, content made an array', async () => {
  const answers = [
    { structuredContent: { n: 1 }, vendorField: 'kept' },
    { content: { type: 'text', text: 'single block' } },
    { content: [{ type: 'text', text: 'ok', unexpected: 1 }], isError: 'yes' },
  ];
  const upstream = track(createMemoryUpstream('odd', () => rawServer({ call: () => answers.shift()! })));
  expect(await upstream.callTool({ name: 'x' })).toEqual({ structuredContent: { n: 1 }, vendorField: 'kept', content: [] });
  expect(await upstream.callTool({ name: 'x' })).toEqual({ content: [{ type: 'text', text: 'single block' }] });
  expect(await upstream.callTool({ name: 'x' })).toEqual({ content: [{ type: 'text', text: 'ok', unexpected: 1 }], isError: 'yes' });
});

test('a tool whose output does not match its outputSchema is still forwarded (the agent judges)', async () => {
  const upstream = track(
    createMemoryUpstream('typed', () => {
      const server = new McpServer({ name: 'typed', version: '1' });
      server.registerTool('typed', { outputSchema: { n: z.number() } }, async () => ({ content: [], structuredContent: { n: 1 } }));
      return server;
    }),
  );
  await upstream.listTools();
  expect(await upstream.callTool({ name: 'typed' })).toEqual({ content: [], structuredContent: { n: 1 } });
});

test('a caller progressToken in _meta is dropped: progress flows through onprogress only', async () => {
  const upstream = track(createMemoryUpstream('echo', () => createEchoServer()));
  const updates: number[] = [];
  await upstream.callTool({ name: 'slow', arguments: { ms: 60, steps: 2 }, _meta: { progressToken: 'agent-token', other: 1 } }, {
    onprogress: (progress) => updates.push(progress.progress),
  });
  expect(updates).toEqual([1, 2]);
});

test('progress keeps a call alive past its idle timeout, up to ten times the timeout', async () => {
  const upstream = track(createMemoryUpstream('echo', () => createEchoServer()));
  // 600 ms of work reporting every 100 ms, with a 250 ms timeout: progress resets the deadline.
  const result = await upstream.callTool({ name: 'slow', arguments: { ms: 600, steps: 6 } }, { timeoutMs: 250, onprogress: () => {} });
  expect(textOf(result)).toBe('done after 6 steps');
  // Without onprogress there is no progress, so the deadline holds.
  await expect(upstream.callTool({ name: 'slow', arguments: { ms: 600, steps: 6 } }, { timeoutMs: 250 })).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  // And a call that progresses forever still ends at the cap.
  await expect(upstream.callTool({ name: 'slow', arguments: { ms: 3000, steps: 60 } }, { timeoutMs: 100, onprogress: () => {} })).rejects.toThrow(
    'Upstream "echo" did not finish "tools/call" within 1000 ms, although it kept reporting progress',
  );
});

test('without an onRequest hook, a server→client request gets method-not-found', async () => {
  let answer: unknown;
  const upstream = track(
    createMemoryUpstream(
      'asker',
      () => {
        const server = new McpServer({ name: 'asker', version: '1' });
        server.registerTool('ask', {}, async (extra) => {
          answer = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema).catch((error: unknown) => error);
          return { content: [] };
        });
        return server;
      },
      { capabilities: { roots: {} } },
    ),
  );
  await upstream.callTool({ name: 'ask' });
  expect(answer).toBeInstanceOf(McpError);
  expect(answer).toMatchObject({ code: -32601 });
});

test('the client capabilities announced are the configured ones, or elicitation/sampling/roots when a hook answers', async () => {
  let seen: unknown;
  const makeServer = (): McpServer => {
    const server = new McpServer({ name: 'caps', version: '1' });
    server.registerTool('caps', {}, async () => ((seen = server.server.getClientCapabilities()), { content: [] }));
    return server;
  };
  await track(createMemoryUpstream('a', makeServer, { hooks: { onRequest: async () => ({}) } })).callTool({ name: 'caps' });
  // The SDK spells an empty elicitation capability out as form mode.
  expect(seen).toEqual({ elicitation: { form: {} }, sampling: {}, roots: { listChanged: true } });
  await track(createMemoryUpstream('b', makeServer)).callTool({ name: 'caps' });
  expect(seen).toEqual({});
  await track(createMemoryUpstream('c', makeServer, { capabilities: { elicitation: { form: {} } } })).callTool({ name: 'caps' });
  expect(seen).toEqual({ elicitation: { form: {} } });
});

test('a server that gives up on its request aborts the signal handed to onRequest', async () => {
  let hookSignal: AbortSignal | undefined;
  const upstream = track(
    createMemoryUpstream(
      'impatient',
      () => {
        const server = new McpServer({ name: 'impatient', version: '1' });
        server.registerTool('ask', {}, async (extra) => {
          await extra
            .sendRequest({ method: 'elicitation/create', params: { message: 'quick', requestedSchema: { type: 'object', properties: {} } } }, ElicitResultSchema, {
              timeout: 100,
            })
            .catch(() => undefined);
          return { content: [] };
        });
        return server;
      },
      {
        hooks: {
          onRequest: (_request, { signal }) => {
            hookSignal = signal;
            return new Promise((resolve) => signal.addEventListener('abort', () => resolve({ action: 'cancel' })));
          },
        },
      },
    ),
  );
  await upstream.callTool({ name: 'ask' });
  expect(await waitFor(() => hookSignal?.aborted === true, 2000)).toBe(true);
});

test('notifications of every kind reach onNotification: list_changed, resources/updated, log messages', async () => {
  const seen: string[] = [];
  const upstream = track(createMemoryUpstream('echo', () => createEchoServer(), { hooks: { onNotification: (n) => void seen.push(n.method) } }));
  await upstream.callTool({ name: 'touch_resource' });
  await upstream.callTool({ name: 'log' });
  await upstream.callTool({ name: 'add_tool' });
  const expected = [
    'notifications/resources/updated',
    'notifications/resources/list_changed',
    'notifications/message',
    'notifications/tools/list_changed',
  ];
  expect(await waitFor(() => expected.every((method) => seen.includes(method)))).toBe(true);
});

test('a server that goes away mid-call: the call gets UPSTREAM_EXITED, onDisconnect fires, the next call reconnects', async () => {
  let made = 0;
  const disconnects: string[] = [];
  const upstream = track(
    createMemoryUpstream(
      'fragile',
      () => {
        made += 1;
        const server = createEchoServer();
        server.registerTool('vanish', {}, async () => {
          setTimeout(() => void server.close(), 10);
          return new Promise(() => {});
        });
        return server;
      },
      { hooks: { onDisconnect: (error) => void disconnects.push(error.message) } },
    ),
  );
  await expect(upstream.callTool({ name: 'vanish' })).rejects.toThrow('Upstream "fragile" closed the connection while handling "tools/call"; it restarts on the next call');
  expect(disconnects).toEqual(['Upstream "fragile" closed the connection; it restarts on the next call']);
  expect(textOf(await upstream.callTool({ name: 'echo', arguments: { text: 'back' } }))).toBe('back');
  expect(made).toBe(2);
});

test('connect() reports the server info and instructions', async () => {
  const upstream = track(createMemoryUpstream('echo', () => createEchoServer({ name: 'named' })));
  expect(await upstream.connect()).toMatchObject({ serverInfo: { name: 'named', version: '1.0.0' }, instructions: 'Fixture server named' });
});

test('notify() forwards when connected and is a no-op before', async () => {
  let notified = 0;
  const upstream = track(
    createMemoryUpstream(
      'roots',
      () => {
        const server = createEchoServer();
        server.server.setNotificationHandler(z.object({ method: z.literal('notifications/roots/list_changed') }), async () => void notified++);
        return server;
      },
      { capabilities: { roots: { listChanged: true } } },
    ),
  );
  await upstream.notify('notifications/roots/list_changed');
  await upstream.connect();
  await upstream.notify('notifications/roots/list_changed');
  expect(await waitFor(() => notified === 1)).toBe(true);
});

test('a caller that gives up while the connect is slow gets CANCELLED; others still connect', async () => {
  const upstream = track(
    new ClientUpstream({
      id: 'slowstart',
      connectTransport: async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await createEchoServer().connect(serverSide);
        return clientSide;
      },
    }),
  );
  const controller = new AbortController();
  const impatient = upstream.callTool({ name: 'echo', arguments: { text: 'a' } }, { signal: controller.signal });
  const patient = upstream.callTool({ name: 'echo', arguments: { text: 'b' } });
  setTimeout(() => controller.abort(), 50);
  await expect(impatient).rejects.toMatchObject({ code: 'CANCELLED' });
  expect(textOf(await patient)).toBe('b');
});

test('a transport factory that throws is UPSTREAM_UNAVAILABLE', async () => {
  const upstream = track(
    new ClientUpstream({
      id: 'broken',
      connectTransport: () => {
        throw new Error('no way in');
      },
    }),
  );
  await expect(upstream.connect()).rejects.toThrow('Cannot start upstream "broken": no way in');
});
