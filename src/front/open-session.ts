// Opening a session for an agent whose initialize has already been read (the HTTP front reads it
// to decide whether to make a session at all); the stdio front lets its AgentEndpoint open it.
import type { GatewaySession } from '../gateway/session.js';
import type { GatewayDeps } from '../gateway/types.js';
import type { PeerTransport } from '../jsonrpc/types.js';
import { AgentEndpoint } from './agent-endpoint.js';
import type { InitializeParams } from './initialize.js';

export interface OpenedSession {
  session: GatewaySession;
  endpoint: AgentEndpoint;
  /**
   * Serves the agent over `transport`; the initialize that opened the session is answered when it arrives on it.
   * A bound function (not a method), so callers may destructure it.
   */
  connect: (transport: PeerTransport) => Promise<void>;
}

/**
 * Opens a session for `agent` from its initialize params: starts the upstreams with the agent's
 * client capabilities (waiting for them at most half a second; see GatewaySession.start). Connect a
 * transport next.
 */
export async function openSession(deps: GatewayDeps, agent: string, initialize: InitializeParams, options: { sessionId?: string } = {}): Promise<OpenedSession> {
  const endpoint = new AgentEndpoint(deps, { agent, ...(options.sessionId ? { sessionId: options.sessionId } : {}) });
  const session = await endpoint.open(initialize);
  return { session, endpoint, connect: (transport) => endpoint.connect(transport) };
}
