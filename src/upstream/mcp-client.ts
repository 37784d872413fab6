// The client half of MCP on a Peer, for one upstream connection: the initialize handshake, and what
// the server sends on its own (requests and notifications) handed to the hooks of whoever owns the
// connection (the agent's session). What the SDK Client did for us, without its Protocol object.
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  SUPPORTED_PROTOCOL_VERSIONS,
  type ClientCapabilities,
  type Implementation,
} from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { InboundRequest, JsonObject, Peer, PeerOptions, RpcErrorShape } from '../jsonrpc/index.js';
import type { UpstreamHooks, UpstreamInfo } from './types.js';

export interface Handshake {
  capabilities: ClientCapabilities;
  clientInfo: Implementation;
  timeoutMs: number;
  /** Aborts the handshake (the upstream is being closed). */
  signal: AbortSignal;
}

/**
 * Sends `initialize`, checks the answer (a protocol version we speak, a capabilities object), tells an
 * HTTP transport the version for its headers, and sends `notifications/initialized`. Rejects with the
 * Peer's McpError (ConnectionClosed, RequestTimeout) or an Error naming what was wrong with the answer.
 */
export async function initialize(peer: Peer, transport: Transport, handshake: Handshake): Promise<UpstreamInfo> {
  const result = await peer.request(
    'initialize',
    { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: handshake.capabilities, clientInfo: handshake.clientInfo },
    { timeoutMs: handshake.timeoutMs, signal: handshake.signal },
  );
  const version = result.protocolVersion;
  if (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    // The SDK Client's words, so operators see what they saw before.
    throw new Error(`Server's protocol version is not supported: ${typeof version === 'string' ? version : JSON.stringify(version)}`);
  }
  if (!isObject(result.capabilities)) throw new Error('Server sent an invalid initialize result: it has no capabilities object');
  // Streamable HTTP sends the version in a header on every later request.
  transport.setProtocolVersion?.(version);
  await peer.notify('notifications/initialized');
  return {
    capabilities: result.capabilities,
    ...(isObject(result.serverInfo) && { serverInfo: result.serverInfo as Implementation }),
    ...(typeof result.instructions === 'string' && { instructions: result.instructions }),
  };
}

/**
 * The Peer options of an upstream connection: server requests go to `hooks.onRequest` (with no hook,
 * method-not-found; `ping` is answered here), notifications to `hooks.onNotification`. The Peer keeps
 * progress and cancellation (a cancel, even for id 0, aborts the signal the hook was given).
 */
export function serverTraffic(hooks: UpstreamHooks, onError: (error: Error) => void): PeerOptions {
  return {
    onRequest: (request) => answerServer(hooks, request),
    onNotification: (method, params) => {
      // Progress for one of our requests never gets here (the Peer takes it); any other is for
      // nobody, as the SDK Client said too.
      if (method === 'notifications/progress') return onError(new Error(`Received a progress notification for an unknown token: ${JSON.stringify(params?.progressToken)}`));
      hooks.onNotification?.({ method, params });
    },
    toRpcError,
    onError,
    // String ids: a server that mixes up its own numeric ids with ours cannot answer one of ours by accident.
    idPrefix: 'warden-',
  };
}

async function answerServer(hooks: UpstreamHooks, request: InboundRequest): Promise<JsonObject> {
  if (request.method === 'ping') return {};
  if (!hooks.onRequest) throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
  return hooks.onRequest({ method: request.method, params: request.params }, { signal: request.signal });
}

/** A failed server request's answer, as the SDK Client built it: a numeric code kept, anything else an internal error. */
function toRpcError(error: unknown): RpcErrorShape {
  const { code, message, data } = (error ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  return {
    code: Number.isSafeInteger(code) ? (code as number) : ErrorCode.InternalError,
    message: typeof message === 'string' ? message : 'Internal error',
    ...(data !== undefined && { data }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
