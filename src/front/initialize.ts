// The agent's initialize: which requests count as one, the protocol version we answer with (as the
// SDK's Server negotiates it) and the result that announces the session's capabilities.
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, isInitializeRequest, type InitializeRequest, type InitializeResult, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { GatewaySession } from '../gateway/session.js';
import { VERSION } from '../version.js';

export type InitializeParams = InitializeRequest['params'];

/** The params of an initialize request when they are what the SDK accepts (checked once per session); else undefined. */
export function initializeParams(id: string | number, params: unknown): InitializeParams | undefined {
  const request = { jsonrpc: '2.0', id, method: 'initialize', params };
  return isInitializeRequest(request) ? request.params : undefined;
}

/** Echoes the client's version when we support it, else offers our latest (the client then decides). */
export function negotiateVersion(requested: unknown): string {
  return typeof requested === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
}

/** The answer to initialize: the negotiated version, what the session announces, and the upstreams' instructions. */
export function initializeResult(session: GatewaySession, capabilities: ServerCapabilities, requestedVersion: unknown): InitializeResult {
  const instructions = instructionsFor(session);
  return {
    protocolVersion: negotiateVersion(requestedVersion),
    capabilities,
    serverInfo: { name: 'mcp-warden', version: VERSION },
    ...(instructions && { instructions }),
  };
}

/** The instructions of every upstream that gave some, in config order (less those pinning or scanning withholds). */
function instructionsFor(session: GatewaySession): string | undefined {
  const parts = Object.keys(session.deps.config.servers)
    .map((id) => session.instructions(id))
    .filter((text): text is string => Boolean(text));
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}
