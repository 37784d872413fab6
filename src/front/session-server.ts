// An SDK Server for one gateway session: announces what the upstreams offer and hands every request
// to the gateway. Shared by the stdio and HTTP fronts.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  RootsListChangedNotificationSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  ErrorCode,
  McpError,
  type InitializeRequest,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { z } from 'zod';
import { GatewaySession } from '../gateway/session.js';
import type { AgentPeer, CallContext, GatewayDeps } from '../gateway/types.js';
import { callFailure, toMcpError } from './to-response.js';
import { ToolCallRouter, callParams } from './tool-call-router.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { VERSION } from '../version.js';
import { noSchemaValidator } from '../jsonrpc/no-schema-validator.js';

type JsonObject = Record<string, unknown>;
type Extra = RequestHandlerExtra<any, any>;

/** Results of requests we relay are checked by whoever asked, not by us. */
const AnyResult = z.looseObject({});

export interface OpenedSession {
  session: GatewaySession;
  server: Server;
  /** Connects the agent's transport: tools/call is served by a ToolCallRouter, the rest by the Server. */
  connect(transport: Transport): Promise<void>;
}

/**
 * Opens a session for `agent` from its initialize request: starts the upstreams with the agent's
 * client capabilities (waiting for them at most half a second; see GatewaySession.start), then builds
 * a Server announcing what they offer or may offer once up. Connect a transport next.
 */
export async function openSession(deps: GatewayDeps, agent: string, initialize: InitializeRequest['params'], options: { sessionId?: string } = {}): Promise<OpenedSession> {
  // The peer is needed to build the session, and the server only once the session knows its capabilities.
  const ref: { server?: Server } = {};
  const peer: AgentPeer = {
    clientCapabilities: () => ref.server?.getClientCapabilities() ?? initialize.capabilities,
    clientInfo: () => {
      const info = ref.server?.getClientVersion() ?? initialize.clientInfo;
      return info && { name: String(info.name), version: String(info.version) };
    },
    notify: async (method, params) => {
      await ref.server?.notification({ method, ...(params ? { params } : {}) });
    },
    request: async (method, params, { signal }) => {
      if (!ref.server) throw new Error('The session is not connected');
      return ref.server.request({ method, ...(params ? { params } : {}) }, AnyResult, { ...(signal ? { signal } : {}) });
    },
  };
  const session = new GatewaySession(deps, { agent, peer, ...(options.sessionId ? { id: options.sessionId } : {}) });
  const capabilities = await session.start(initialize.capabilities);
  const server = new Server({ name: 'mcp-warden', version: VERSION }, { capabilities, instructions: instructionsFor(session), jsonSchemaValidator: noSchemaValidator });
  ref.server = server;
  const log = deps.log ?? (() => {});
  registerHandlers(server, capabilities, session, log);
  return { session, server, connect: (transport) => server.connect(new ToolCallRouter(transport, session, server, log)) };
}

function instructionsFor(session: GatewaySession): string | undefined {
  const parts = Object.keys(session.deps.config.servers)
    .map((id) => session.info(id)?.instructions)
    .filter((text): text is string => Boolean(text));
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

function contextOf(extra: Extra): CallContext {
  const raw = extra._meta?.progressToken;
  // The SDK no longer checks _meta on tools/call (see registerHandlers); a token is a string or number.
  const token = typeof raw === 'string' || typeof raw === 'number' ? raw : undefined;
  return {
    signal: extra.signal,
    ...(token !== undefined ? { progressToken: token } : {}),
    sendNotification: (method, params) => extra.sendNotification({ method, ...(params ? { params } : {}) } as never),
    sendRequest: (method, params, { signal, timeoutMs }) =>
      extra.sendRequest({ method, ...(params ? { params } : {}) } as never, AnyResult, {
        ...(signal ? { signal } : {}),
        ...(timeoutMs ? { timeout: timeoutMs } : {}),
      }) as Promise<JsonObject>,
  };
}

function registerHandlers(server: Server, caps: ServerCapabilities, session: GatewaySession, log: (message: string) => void): void {
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    try {
      return { tools: await session.listTools() };
    } catch (error) {
      throw toMcpError(error, log);
    }
  });
  // The ToolCallRouter serves tools/call before the Server sees it; this handler is for a Server
  // connected without one. It is the fallback, not setRequestHandler, so the SDK does not zod-parse
  // each request twice and its result once: the call pipeline checks the parameters it uses.
  server.fallbackRequestHandler = async (request, extra) => {
    if (request.method !== 'tools/call') throw new McpError(ErrorCode.MethodNotFound, 'Method not found');
    const params = callParams(request.params);
    try {
      return await session.callTool(params, contextOf(extra));
    } catch (error) {
      return callFailure(error, log);
    }
  };
  const relay = (method: string) => async (request: { params?: unknown }, extra: Extra) => {
    try {
      return await session.passthrough.handle(method, request.params as JsonObject | undefined, contextOf(extra));
    } catch (error) {
      throw toMcpError(error, log);
    }
  };
  if (caps.resources) {
    server.setRequestHandler(ListResourcesRequestSchema, relay('resources/list'));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, relay('resources/templates/list'));
    server.setRequestHandler(ReadResourceRequestSchema, relay('resources/read') as never);
    if (caps.resources.subscribe) {
      server.setRequestHandler(SubscribeRequestSchema, relay('resources/subscribe'));
      server.setRequestHandler(UnsubscribeRequestSchema, relay('resources/unsubscribe'));
    }
  }
  if (caps.prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, relay('prompts/list') as never);
    server.setRequestHandler(GetPromptRequestSchema, relay('prompts/get') as never);
  }
  if (caps.completions) server.setRequestHandler(CompleteRequestSchema, relay('completion/complete') as never);
  if (caps.logging) server.setRequestHandler(SetLevelRequestSchema, relay('logging/setLevel'));
  server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    await session.passthrough.notifyAll('notifications/roots/list_changed').catch(() => {});
  });
}
