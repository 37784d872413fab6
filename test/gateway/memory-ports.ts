// In-memory ports for the enforcement steps: the agent's rules from a real config, a catalog built by
// hand, upstreams that record what reached them, an approver with a fixed answer and a memory audit
// sink. No GatewaySession, no SDK server, no process.
import type { CallToolResult, ClientCapabilities, Tool } from '@modelcontextprotocol/sdk/types.js';
import { parseConfig } from '../../src/config/index.js';
import { createMemorySink } from '../../src/audit/jsonl-sink.js';
import { agentRules } from '../../src/gateway/agent-rules.js';
import { Catalog } from '../../src/gateway/catalog.js';
import { unavailableError } from '../../src/gateway/unavailable.js';
import type { GatewayPorts, ToolLookup, Upstreams } from '../../src/gateway/ports.js';
import type { CallContext } from '../../src/gateway/types.js';
import type { ApprovalOutcome, ApprovalRequest, ApprovalRequestOptions, Approver } from '../../src/approval/types.js';
import type { Upstream } from '../../src/upstream/types.js';

export interface MemoryPortsOptions {
  yaml: string;
  agent: string;
  environment?: string;
  /** Tools each server lists, all of them (the catalog holds these unfiltered: the decision alone must refuse). */
  tools?: Record<string, string[]>;
  /** The approver's answer to every ask; a refusal by default. */
  answer?: Partial<ApprovalOutcome>;
  clientCapabilities?: ClientCapabilities;
}

export function memoryPorts(options: MemoryPortsOptions) {
  const config = parseConfig(options.yaml, { file: '/project/gateway.yaml', cwd: '/project', env: {} });
  const view = config.agentView(options.agent, options.environment ?? 'dev');
  // Every server here is generic, so the inspector is never asked.
  const rules = agentRules(view, { inspect: async () => undefined });
  const listed = new Map(Object.entries(options.tools ?? {}).map(([server, names]) => [server, names.map((name): Tool => ({ name, inputSchema: { type: 'object' } }))]));
  const catalog = Catalog.build(listed, view.toolNames);
  const forwarded: Array<{ server: string; method: string; params: Record<string, unknown> | undefined }> = [];
  const connects: string[] = [];
  const upstream = (server: string): Upstream => ({
    id: server,
    connect: async () => ({ capabilities: { tools: {} } }),
    listTools: async () => listed.get(server) ?? [],
    callTool: async (params): Promise<CallToolResult> => {
      forwarded.push({ server, method: 'tools/call', params });
      return { content: [{ type: 'text', text: `ran ${params.name}` }] };
    },
    request: async (method, params) => {
      forwarded.push({ server, method, params });
      return { from: server };
    },
    notify: async () => {},
    close: async () => {},
  });
  const tools: ToolLookup = {
    readyCatalog: () => catalog,
    catalog: async () => catalog,
    // A server named "down" is still starting.
    unavailable: (exposed) =>
      exposed.startsWith('down_') ? { server: 'down', tool: exposed.slice(5), error: unavailableError('down', { state: 'starting', attempts: 1 }, Date.now()) } : undefined,
    serverToolNames: async (server) => options.tools?.[server] ?? [],
    reachableServers: async () => Object.keys(options.tools ?? {}),
    accessibleServers: async () => Object.keys(options.tools ?? {}),
  };
  const upstreams: Upstreams = {
    connect: async (server) => (connects.push(server), upstream(server)),
    info: () => undefined,
    withInflight: (_server, _context, work) => work(),
  };
  const asked: Array<{ request: ApprovalRequest; options: ApprovalRequestOptions }> = [];
  const approver: Approver = {
    request: async (request, requestOptions) => {
      asked.push({ request, options: requestOptions });
      return { approved: false, ticketId: 't1', channel: 'console', reason: 'a person said no', durationMs: 3, ...options.answer };
    },
    close: async () => {},
  };
  const audit = createMemorySink();
  const ports: GatewayPorts = {
    identity: { id: 'session-1', agent: options.agent, environment: view.environment },
    rules,
    tools,
    upstreams,
    peer: { clientCapabilities: () => options.clientCapabilities ?? {}, notify: async () => {}, request: async () => ({}) },
    deps: { approver, audit },
  };
  return { ports, view, forwarded, connects, asked, records: audit.records };
}

/** A request context whose agent never cancels. */
export function callContext(): CallContext {
  return { signal: new AbortController().signal, sendNotification: async () => {}, sendRequest: async () => ({}) };
}
