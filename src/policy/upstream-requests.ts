// Requests an upstream sends to the agent (sampling, elicitation, roots). Each is decided like a call:
// the agent's client must have declared the capability, the agent must be active, and the profile's
// `upstream_requests` must let that server ask. Default: elicitation from any server, sampling from none.
import picomatch from 'picomatch';
import type { Decision, Reason, Setting } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { quoteName } from './tool-name.js';

/** The server→client requests the gateway relays at all; anything else is refused. */
export const UPSTREAM_REQUESTS = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
} as const;

export type UpstreamRequestKind = (typeof UPSTREAM_REQUESTS)[keyof typeof UPSTREAM_REQUESTS];

/** Servers (globs over the server id) that may ask the agent's client, by kind. */
export interface UpstreamRequestRules {
  sampling: Setting<string[]>;
  elicitation: Setting<string[]>;
}

/** The default: any server may ask the user (each question carries its name), none may use the model. */
export const DEFAULT_UPSTREAM_REQUESTS: UpstreamRequestRules = {
  sampling: { value: [], source: 'default' },
  elicitation: { value: ['*'], source: 'default' },
};

export interface UpstreamRequest {
  server: string;
  method: string;
  /** Whether the agent's client declared the capability this method needs. */
  declared: boolean;
  /** Set when the gateway withholds the capability from this server (roots of a filesystem server). */
  withheld?: string;
}

/** Decides one request from an upstream to the agent; never throws. */
export function decideUpstreamRequest(compiled: CompiledPolicy, request: UpstreamRequest): Decision {
  const deny = (reason: Omit<Reason, 'decision'>): Decision => ({ verdict: 'deny', reasons: [{ ...reason, decision: 'deny' }], writes: false });
  const server = quoteName(request.server);
  const method = quoteName(request.method);
  const kind = Object.hasOwn(UPSTREAM_REQUESTS, request.method) ? UPSTREAM_REQUESTS[request.method as keyof typeof UPSTREAM_REQUESTS] : undefined;
  if (!kind) {
    return deny({ layer: 'input', rule: 'known upstream requests', source: 'default', message: `Server ${server} sent ${method}, which mcp-warden does not relay to the agent` });
  }
  if (compiled.inactiveAgent) return { verdict: 'deny', reasons: [compiled.inactiveAgent], writes: false };
  if (!request.declared) {
    return deny({ layer: 'input', rule: `client capability: ${kind}`, source: 'default', message: `Server ${server} sent ${method}, but the agent's client did not declare "${kind}"` });
  }
  if (request.withheld) {
    return deny({ layer: 'input', rule: `client capability: ${kind}`, source: 'default', message: `Server ${server} sent ${method}, but "${kind}" is withheld from it: ${request.withheld}` });
  }
  if (kind === 'roots') {
    return { verdict: 'allow', reasons: [{ layer: 'name', decision: 'allow', rule: 'client capability: roots', source: 'default', message: `The agent's client answers roots for server ${server}` }], writes: false };
  }
  const setting = (compiled.policy.upstreamRequests ?? DEFAULT_UPSTREAM_REQUESTS)[kind];
  const rule = `upstream_requests.${kind}: [${setting.value.join(', ')}]`;
  const matched = setting.value.find((glob) => serverGlob(glob)(request.server));
  if (matched === undefined) {
    return deny({ layer: 'name', rule, source: setting.source, message: `Server ${server} may not send ${kind} requests to this agent; list it under upstream_requests.${kind} to let it` });
  }
  return { verdict: 'allow', reasons: [{ layer: 'name', decision: 'allow', rule, source: setting.source, message: `Server ${server} may send ${kind} requests ("${matched}")` }], writes: false };
}

const globs = new Map<string, (server: string) => boolean>();

function serverGlob(glob: string): (server: string) => boolean {
  let matcher = globs.get(glob);
  if (!matcher) {
    try {
      const re = picomatch.makeRe(glob, { dot: true });
      matcher = (server) => re.test(server);
    } catch {
      matcher = () => false;
    }
    if (globs.size > 1000) globs.clear();
    globs.set(glob, matcher);
  }
  return matcher;
}
