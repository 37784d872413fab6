// What an agent is told when it calls a tool of a server that is not up: the server, why it is
// down in a few words, and when mcp-warden tries again. Nothing more (no command, path or environment).
import { WardenError } from '../errors.js';
import type { StartState } from './upstream-starts.js';

/** The server a call pointed to, the tool name it would have there, and the error the agent gets. */
export interface UnavailableServer {
  server: string;
  tool: string;
  error: WardenError;
}

export interface UnavailableLookup {
  servers: string[];
  /** `tool_names: passthrough`: exposed names are the one server's own. */
  passthrough: boolean;
  state(server: string): StartState;
  /** Whether this agent may see `server/tool` (the same policy that filters the catalog). */
  visible(server: string, tool: string): boolean;
}

/**
 * The server a call to `exposed` (a name the catalog does not hold) points to, when that server is
 * not up and this agent may see that tool: by the `<server>_` prefix (the longest that fits), or the
 * one server of passthrough names. Undefined otherwise, and the name is simply unknown. The answer is
 * always an error, never a forwarded call, and says nothing of servers or tools the agent may not see.
 */
export function findUnavailable(exposed: string, lookup: UnavailableLookup, now = Date.now()): UnavailableServer | undefined {
  for (const server of [...lookup.servers].sort((a, b) => b.length - a.length)) {
    const state = lookup.state(server);
    if (state.state === 'up') continue;
    const tool = lookup.passthrough ? exposed : exposed.startsWith(`${server}_`) ? exposed.slice(server.length + 1) : '';
    if (tool === '' || !lookup.visible(server, tool)) continue;
    return { server, tool, error: unavailableError(server, state, now) };
  }
  return undefined;
}

/** A valid tool name that only a wildcard rule matches. */
const PROBE_TOOL = 'mcp-warden.any-tool';

/** A server that has failed to start, and what the agent is told of it (no command, path or environment). */
export interface FailingServer {
  server: string;
  /** `Upstream "db" is unavailable: command not found`: the reason, without a retry time. */
  message: string;
}

/**
 * The servers whose start has failed (the last attempt, or every attempt so far) and that this agent
 * may see some tool of. Their tools are not listed, so without this the agent sees only fewer tools.
 * Which tools a server has is unknown until it lists them, so a server counts as visible when a tool
 * of a name no rule spells out (PROBE_TOOL) would be: a rule like `server/*` or `*`. One the agent may
 * reach only by exact tool names is not named (fail closed on what the agent is told; `mcp-warden
 * status` shows it to the operator).
 */
export function failingServers(lookup: Omit<UnavailableLookup, 'passthrough'>): FailingServer[] {
  const failing: FailingServer[] = [];
  for (const server of lookup.servers) {
    const state = lookup.state(server);
    const error = state.state === 'down' || state.state === 'starting' ? state.error : undefined;
    if (!error || !lookup.visible(server, PROBE_TOOL)) continue;
    // The reason alone: instructions last the whole session, so a retry time in them would go stale.
    failing.push({ server, message: sentence(error.agentMessage) });
  }
  return failing;
}

const JOINS = 'its tools appear once it is up, and the agent is told with notifications/tools/list_changed';

/** UPSTREAM_UNAVAILABLE for a call to `server` in `state` (not up); `message` for the log, `agentMessage` for the agent. */
export function unavailableError(server: string, state: StartState, now: number): WardenError {
  let text: string;
  let detail: string;
  switch (state.state) {
    case 'down':
      text = `${sentence(state.error.agentMessage)}. mcp-warden tries to start it again ${state.retryAt - now < 100 ? 'now' : `in ${seconds(state.retryAt - now)}`}; ${JOINS}`;
      detail = state.error.message;
      break;
    case 'starting':
      if (state.error) {
        text = `${sentence(state.error.agentMessage)}. A new attempt to start it is under way; ${JOINS}`;
        detail = state.error.message;
      } else {
        text = `Upstream "${server}" is still starting; ${JOINS}`;
        detail = text;
      }
      break;
    default:
      text = `Upstream "${server}" has not been started; ${JOINS}`;
      detail = text;
  }
  return new WardenError('UPSTREAM_UNAVAILABLE', detail, { agentMessage: text });
}

function sentence(text: string): string {
  return text.replace(/[.\s]+$/, '');
}

function seconds(ms: number): string {
  const value = Math.max(0, ms) / 1000;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} s`;
}
