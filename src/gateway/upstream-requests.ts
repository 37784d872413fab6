// Requests an upstream sends to the agent mid-call: sampling (the agent's model), elicitation (the
// user) and roots. Each is decided (capability declared, agent active, upstream_requests), audited, and
// only then relayed; an elicitation carries the server's name on every line, so no upstream can word
// a question that passes for mcp-warden's own approval prompt.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { decideUpstreamRequest, UPSTREAM_REQUESTS } from '../policy/index.js';
import type { Decision } from '../policy/types.js';
import type { AuditRecord } from '../audit/types.js';
import { auditHead } from './audit-head.js';
import { decisiveReasons } from './denial.js';
import type { GatewayPorts } from './ports.js';

type JsonObject = Record<string, unknown>;

export interface UpstreamRequestInput {
  server: string;
  method: string;
  params?: JsonObject;
}

/**
 * Decides, audits and relays one upstream request through `send` (to the call that caused it, or to
 * the agent at large). A refusal is a JSON-RPC error to the upstream, with the reason.
 */
export async function relayUpstreamRequest(
  ports: GatewayPorts,
  request: UpstreamRequestInput,
  send: (method: string, params: JsonObject | undefined) => Promise<JsonObject>,
): Promise<JsonObject> {
  const started = performance.now();
  const audit = (decision: Decision, outcome: AuditRecord['outcome'], error?: string) =>
    ports.deps.audit.write({
      ...auditHead(ports.identity, request.params ?? {}),
      event: 'upstream_request',
      tool: `${request.server}/${request.method}`,
      method: request.method,
      decision: decision.verdict,
      reasons: decision.reasons,
      outcome,
      ...(error ? { error } : {}),
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
    });

  const reason = withheld(ports, request);
  const decision = decideUpstreamRequest(ports.rules.policy, {
    server: request.server,
    method: request.method,
    declared: declared(ports, request.method),
    ...(reason ? { withheld: reason } : {}),
  });
  if (decision.verdict !== 'allow') {
    await audit(decision, 'denied');
    const text = [`mcp-warden refused "${request.method}" from server "${request.server}".`, ...decisiveReasons(decision).map((r) => `- ${r.message}`)].join('\n');
    const unknown = decision.reasons.some((reason) => reason.layer === 'input');
    throw new McpError(unknown ? ErrorCode.MethodNotFound : ErrorCode.InvalidRequest, text);
  }
  let params = request.params;
  if (request.method === 'elicitation/create') {
    if (typeof params?.message !== 'string') {
      await audit({ ...decision, verdict: 'deny' }, 'denied', 'elicitation message is not a string');
      throw new McpError(ErrorCode.InvalidParams, `mcp-warden refused "elicitation/create" from server "${request.server}": its message is not a string`);
    }
    params = { ...params, message: markElicitation(request.server, params.message) };
  }
  try {
    const result = await send(request.method, params);
    await audit(decision, 'ok');
    return result;
  } catch (error) {
    await audit(decision, 'error', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/**
 * The message with `[server "id"]` before every line. Characters that could fake a line break or
 * hide text (controls, Unicode line and paragraph separators, bidi and zero-width marks) are removed
 * first, so every line the user sees starts with the server's name.
 */
export function markElicitation(server: string, message: string): string {
  const tag = `[server "${server}"]`;
  const clean = message.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g, '');
  return clean
    .split('\n')
    .map((line) => `${tag} ${line}`)
    .join('\n');
}

function declared(ports: GatewayPorts, method: string): boolean {
  const kind = Object.hasOwn(UPSTREAM_REQUESTS, method) ? UPSTREAM_REQUESTS[method as keyof typeof UPSTREAM_REQUESTS] : undefined;
  const caps = ports.peer.clientCapabilities();
  return kind !== undefined && Boolean(caps?.[kind]);
}

/** Roots are withheld from filesystem servers (see upstreamClientCapabilities in upstream-set.ts). */
function withheld(ports: GatewayPorts, request: UpstreamRequestInput): string | undefined {
  if (request.method !== 'roots/list') return undefined;
  if (ports.rules.view.servers.get(request.server)?.kind !== 'filesystem') return undefined;
  return "a filesystem server would replace its configured directories with the agent's roots";
}
