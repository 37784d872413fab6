// Shared pieces of the security suite: an in-process gateway (real config, policy, inspector,
// approver; in-memory upstreams) and a scriptable upstream that records every call it receives, so a
// test can say exactly what reached the "production" server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  ElicitRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type ClientCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { parseConfig } from '../../src/config/index.js';
import { createMemoryUpstream } from '../../src/upstream/index.js';
import { createInspector } from '../../src/inspect/index.js';
import { createApprover, MemoryTicketStore } from '../../src/approval/index.js';
import { createMemorySink } from '../../src/audit/jsonl-sink.js';
import { openSession } from '../../src/front/open-session.js';
import type { CallContext, GatewayDeps } from '../../src/gateway/types.js';
import type { TicketStore } from '../../src/approval/index.js';
import { createEchoServer } from '../fixtures/echo-tools.mjs';

export interface ReceivedCall {
  name: string;
  arguments: Record<string, unknown> | undefined;
  meta: Record<string, unknown> | undefined;
}

/**
 * A server whose tool list the test controls (any names, any annotations) and that records every
 * tools/call and resources/read it receives. `setTools` + `notifyChanged` simulate list_changed.
 */
export class RecordingUpstream {
  tools: Tool[];
  readonly calls: ReceivedCall[] = [];
  readonly reads: string[] = [];
  readonly servers: Server[] = [];
  resources: Array<{ uri: string; name: string }> = [];

  constructor(tools: Array<Partial<Tool> & { name: string }>) {
    this.tools = tools.map((tool) => ({ inputSchema: { type: 'object' }, ...tool }));
  }

  make = (): Server => {
    const server = new Server({ name: 'recording', version: '1.0.0' }, { capabilities: { tools: { listChanged: true }, resources: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: this.tools }));
    server.setRequestHandler(CallToolRequestSchema, async (request) => {
      this.calls.push({ name: request.params.name, arguments: request.params.arguments, meta: request.params._meta });
      return { content: [{ type: 'text', text: `upstream ran ${request.params.name} ${JSON.stringify(request.params.arguments ?? {})}` }] };
    });
    server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: this.resources }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      this.reads.push(request.params.uri);
      return { contents: [{ uri: request.params.uri, text: `secret content of ${request.params.uri}` }] };
    });
    this.servers.push(server);
    return server;
  };

  setTools(tools: Array<Partial<Tool> & { name: string }>): void {
    this.tools = tools.map((tool) => ({ inputSchema: { type: 'object' }, ...tool }));
  }

  async notifyChanged(): Promise<void> {
    // A server whose client already disconnected cannot be told, and has no gateway left to refresh.
    await Promise.all(this.servers.map((server) => server.notification({ method: 'notifications/tools/list_changed' }).catch(() => {})));
  }
}

export interface InProcessOptions {
  agent?: string;
  environment?: string;
  capabilities?: ClientCapabilities;
  elicit?: (params: unknown) => unknown;
  /** Upstream servers by server id; the echo fixture for the others. */
  upstreams?: Record<string, () => Server | McpServer>;
  store?: TicketStore;
  nonInteractive?: boolean;
  /** Directory for the config (relative paths resolve against it). */
  dir?: string;
  /** Replace parts of the wiring (fail-open tests). */
  override?: Partial<Pick<GatewayDeps, 'inspector' | 'approver' | 'audit'>>;
}

/** A real gateway session in process, with a real SDK client connected to it. */
export async function inProcess(yaml: string, options: InProcessOptions = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'warden-security-'));
  const config = parseConfig(yaml, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  const store = options.store ?? new MemoryTicketStore();
  const audit = createMemorySink();
  const deps: GatewayDeps = {
    config,
    environment: options.environment ?? config.defaultEnvironment ?? 'dev',
    createUpstream: (server, opts) =>
      createMemoryUpstream(server.id, options.upstreams?.[server.id] ?? (() => createEchoServer({ name: server.id })), {
        hooks: opts.hooks,
        ...(opts.clientCapabilities ? { capabilities: opts.clientCapabilities } : {}),
      }),
    inspector: createInspector(),
    approver: createApprover(config.approval, { nonInteractive: options.nonInteractive ?? false, store }),
    audit,
    ...options.override,
  };
  const first = await connectSession(deps, options);
  return { ...first, store, audit, deps, dir };
}

/** Opens one more session (same gateway, same approver and store) with its own client. */
export async function connectSession(deps: GatewayDeps, options: Pick<InProcessOptions, 'agent' | 'capabilities' | 'elicit'> = {}) {
  const client = new Client({ name: 'attacker', version: '1' }, { capabilities: options.capabilities ?? {} });
  if (options.elicit) client.setRequestHandler(ElicitRequestSchema, async (request) => options.elicit!(request.params) as never);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const { session, connect } = await openSession(deps, options.agent ?? 'agent', {
    protocolVersion: '2025-06-18',
    capabilities: options.capabilities ?? {},
    clientInfo: { name: 'attacker', version: '1' },
  });
  await connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    session,
    close: async () => {
      // Tests close after the gateway may have dropped the connection; the session close below is what must succeed.
      await client.close().catch(() => {});
      await session.close();
    },
  };
}

/** A CallContext for driving `session.callTool` directly (bypassing the SDK's schema checks). */
export function rawContext(): CallContext {
  return { signal: new AbortController().signal, sendNotification: async () => {}, sendRequest: async () => ({}) };
}

export const text = (result: unknown): string =>
  ((result as { content?: Array<{ text?: string }> }).content ?? []).map((c) => c.text ?? '').join('\n');

/** Waits until the store holds a pending ticket matching `predicate`. */
export async function pendingTicket(store: TicketStore, predicate: (t: { tool: string; arguments: unknown; agent: string }) => boolean = () => true) {
  for (let i = 0; i < 300; i++) {
    const found = (await store.list()).find((t) => t.state === 'pending' && predicate(t));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('No pending ticket appeared');
}
