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

/** The longest client name and version kept, in characters: enough for any real client's. */
export const CLIENT_NAME_MAX = 64;
export const CLIENT_VERSION_MAX = 32;

/** Characters that draw nothing or rearrange what follows: controls, line separators, bidi and zero-width formats, surrogates, private use. */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/gu;

/**
 * The agent's `clientInfo` as mcp-warden keeps it: it is unverified and chosen by the agent, yet goes
 * into tickets, the console card, webhooks and the audit. So each field is cut to a bound and shows
 * only what a person would see: every unseen character becomes a space (a newline cannot start a
 * fake line, U+202E cannot reverse what follows), runs of spaces collapse, and a field cut short
 * ends in "…". Read here, once per initialize, so no other part sees the raw value.
 */
export function clientIdentity(params: InitializeParams | undefined): { name: string; version: string } | undefined {
  const info = params?.clientInfo;
  return info && { name: bounded(info.name, CLIENT_NAME_MAX), version: bounded(info.version, CLIENT_VERSION_MAX) };
}

function bounded(value: unknown, max: number): string {
  // Cleaning a 100 KB name to keep 64 characters of it wastes work; what lies past this bound is cut anyway.
  const head = String(value).slice(0, max * 16);
  const shown = Array.from(head.replace(UNSEEN, ' ').replace(/\s+/g, ' ').trim());
  return shown.length > max || head.length < String(value).length ? `${shown.slice(0, max - 1).join('').trimEnd()}…` : shown.join('');
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

/**
 * The instructions of every upstream that gave some, in config order (less those pinning or scanning
 * withholds); first, the servers that failed to start. A client shows a gateway whose servers all fail
 * as connected with fewer tools or none, and clients put instructions before the agent: this is where
 * the agent learns why tools are missing.
 */
function instructionsFor(session: GatewaySession): string | undefined {
  const failing = session.failingUpstreams();
  const notice =
    failing.length === 0
      ? []
      : [
          `mcp-warden: ${failing.length === 1 ? 'one upstream server is' : `${failing.length} upstream servers are`} not available, so ${failing.length === 1 ? 'its' : 'their'} tools are missing from the list. mcp-warden keeps trying to start ${failing.length === 1 ? 'it' : 'them'}; tools that come up are announced with notifications/tools/list_changed, and the operator sees why with "mcp-warden status":\n${failing.map((f) => `- ${f.message}`).join('\n')}`,
        ];
  const parts = Object.keys(session.deps.config.servers)
    .map((id) => session.instructions(id))
    .filter((text): text is string => Boolean(text));
  return [...notice, ...parts].length > 0 ? [...notice, ...parts].join('\n\n') : undefined;
}
