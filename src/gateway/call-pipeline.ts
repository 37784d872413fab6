// The one place where a tool call is enforced. Order: look up the exposed name (unknown → refused,
// no upstream contacted; a tool of a server that is not up → why it is down) → check the arguments
// (depth, inputSchema) → inspect them → decide → ask a human if needed → forward with the agent's
// signal and a deadline → audit. Every exit path writes one audit record, and returns or throws only
// once the sink has stored it, so no answer leaves before its record (a kill -9 right after an
// answer cannot lose the record).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { WardenError, isWardenError } from '../errors.js';
import type { Decision, Reason } from '../policy/types.js';
import type { AuditFailure, AuditRecord } from '../audit/types.js';
import { admitAudited, unaudited } from './audit-gate.js';
import type { ApprovalOutcome, DefinitionReview, ElicitResult } from '../approval/types.js';
import { checkArguments } from './argument-check.js';
import { auditHead, type AuditHead } from './audit-head.js';
import { UNKNOWN_TOOL_NEXT_STEP, approvalDenialText, denialText } from './denial.js';
import { ProgressRelay } from './progress-relay.js';
import type { GatewayPorts } from './ports.js';
import type { CallContext } from './types.js';
import { definitionReview, withVetting } from './vetting-decision.js';

type JsonObject = Record<string, unknown>;

/** A prompt's own deadline is the approval's plus this, so the approval's timeout always decides first. */
const PROMPT_GRACE_MS = 5_000;

/** How often a waiting call tells the agent it is still alive. */
const KEEPALIVE_MS = 5_000;

/** Enforces and, if allowed, forwards one tools/call. Throws WardenError; the front converts it. */
export async function enforceCall(
  ports: GatewayPorts,
  params: { name: string; arguments?: unknown; _meta?: JsonObject },
  context: CallContext,
): Promise<CallToolResult> {
  const started = performance.now();
  const args = params.arguments ?? {};
  const head = auditHead(ports.identity, args);
  let approval: ApprovalOutcome | undefined;
  let upstreamStarted: number | undefined;
  const audit = (record: Omit<AuditRecord, keyof AuditHead | 'event' | 'duration_ms' | 'approval' | 'upstream_ms'>): Promise<void | AuditFailure> =>
    ports.deps.audit.write({
      ...head,
      event: 'call',
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
      ...record,
      ...(upstreamStarted === undefined ? {} : { upstream_ms: Math.round((performance.now() - upstreamStarted) * 1000) / 1000 }),
      ...(approval ? { approval: approvalRecord(approval) } : {}),
    });

  // A tool of a server that is up is found at once; anything else waits for the full catalog.
  const { tools, upstreams, rules } = ports;
  const entry = tools.readyCatalog()?.lookup(params.name) ?? (await tools.catalog()).lookup(params.name);
  if (!entry) {
    // A tool of a server that is down or still starting: say so, rather than that it does not exist.
    const unavailable = tools.unavailable(params.name);
    if (unavailable) {
      await audit({ tool: `${unavailable.server}/${unavailable.tool}`, decision: 'deny', reasons: [], outcome: 'error', error: unavailable.error.message });
      throw unavailable.error;
    }
    await audit({ tool: params.name, decision: 'deny', reasons: [], outcome: 'denied', error: 'unknown tool' });
    throw new WardenError('TOOL_NOT_FOUND', `Unknown tool "${params.name}": it does not exist or this agent may not use it. ${UNKNOWN_TOOL_NEXT_STEP}`);
  }
  const qualified = `${entry.server}/${entry.tool.name}`;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    await audit({ tool: qualified, decision: 'deny', reasons: [], outcome: 'denied', error: 'arguments are not an object' });
    throw new WardenError('BAD_INPUT', `Arguments of "${params.name}" must be a JSON object`);
  }
  const callArgs = args as JsonObject;
  const refused = checkArguments(entry.server, entry.tool, callArgs, params._meta);
  if (refused) {
    await audit({ tool: qualified, decision: 'deny', reasons: refused.reasons, outcome: 'denied' });
    throw new WardenError('CALL_DENIED', denialText(qualified, refused));
  }

  const server = rules.view.servers.get(entry.server);
  if (!server) {
    // The catalog holds only configured servers; should that ever break, nothing is decided without the server's kind.
    await audit({ tool: qualified, decision: 'deny', reasons: [], outcome: 'denied', error: 'server not configured' });
    throw new WardenError('TOOL_NOT_FOUND', `Server "${entry.server}" is not configured`);
  }
  // The tool's definition first (issue 13): one that pinning or scanning denies is refused naming the
  // change, before its arguments are inspected. An ask is looked at again first: a person may have
  // trusted the definition in another session since this one listed it.
  let vetting = entry.vetting;
  if (vetting && (vetting.response === 'ask' || vetting.response === 'deny') && ports.definitions) vetting = await ports.definitions.refresh(vetting);
  if (vetting?.response === 'deny') {
    const refusal: Decision = { verdict: 'deny', reasons: [...vetting.reasons], writes: false };
    await audit({ tool: qualified, decision: 'deny', reasons: refusal.reasons, outcome: 'denied' });
    throw new WardenError('CALL_DENIED', denialText(qualified, refusal));
  }
  const decided = await rules.decideCall({
    server,
    serverId: entry.server,
    tool: entry.tool.name,
    arguments: callArgs,
    ...(entry.tool.annotations ? { annotations: entry.tool.annotations } : {}),
  });
  const decision = withVetting(decided, vetting);
  const relay = new ProgressRelay(context.progressToken, (p) => context.sendNotification('notifications/progress', p));

  if (decision.verdict === 'ask') {
    const definition = vetting?.response === 'ask' ? definitionReview(vetting) : undefined;
    approval = await waitForApproval(ports, { server: entry.server, tool: entry.tool.name, args: callArgs, decision, context, relay, ...(definition ? { definition } : {}) });
    if (!approval.approved) {
      await audit({ tool: qualified, decision: 'deny', reasons: decision.reasons, outcome: approval.channel === 'cancelled' ? 'cancelled' : 'denied' });
      throw new WardenError('CALL_DENIED', approvalDenialText(qualified, decision, approval));
    }
    // "Trust" makes the definition the pin, in every session; without it only this call was approved.
    if (definition && approval.trust && vetting) await ports.definitions?.trust(vetting);
  } else if (decision.verdict === 'deny') {
    await audit({ tool: qualified, decision: 'deny', reasons: decision.reasons, outcome: 'denied' });
    throw new WardenError('CALL_DENIED', denialText(qualified, decision));
  }

  // audit.required: a call whose record cannot be stored now is not forwarded.
  try {
    await admitAudited(ports.deps.audit, qualified);
  } catch (error) {
    await audit({ tool: qualified, decision: 'deny', reasons: decision.reasons, outcome: 'error', error: 'audit store unreachable' });
    throw error;
  }

  let result: CallToolResult;
  try {
    const upstream = await upstreams.connect(entry.server, context.signal);
    upstreamStarted = performance.now();
    // The upstream's deadline (the profile's or the server's timeout, set when the session made the
    // connection) starts now, after any approval wait.
    result = await upstreams.withInflight(entry.server, context, () =>
      upstream.callTool(
        // An approval covers what the human saw, the arguments; `_meta` rides along only on calls no one had to approve.
        { name: entry.tool.name, arguments: callArgs, ...(params._meta && !approval ? { _meta: stripProgressToken(params._meta) } : {}) },
        { signal: context.signal, ...(relay.enabled ? { onprogress: (progress) => relay.forward(progress) } : {}) },
      ),
    );
    await relay.flush();
  } catch (error) {
    await audit({
      tool: qualified,
      decision: decision.verdict,
      reasons: decision.reasons,
      // The agent cancelling a forwarded call is its choice, not a failure.
      outcome: context.signal.aborted ? 'cancelled' : 'error',
      error: isWardenError(error) ? error.message : 'internal error',
    });
    throw error;
  }
  const failure = await audit({ tool: qualified, decision: decision.verdict, reasons: decision.reasons, outcome: result.isError ? 'error' : 'ok' });
  if (failure) throw unaudited(qualified, failure);
  return result;
}

export interface ApprovalInput {
  server: string;
  tool: string;
  args: JsonObject;
  decision: Decision;
  context: CallContext;
  relay: ProgressRelay;
  /** When pinning or scanning asks: the definition's change, for the person asked. */
  definition?: DefinitionReview;
}

/** Puts one ask to a person through the approver; shared by tool calls and resource and prompt access. */
export async function waitForApproval(ports: GatewayPorts, input: ApprovalInput): Promise<ApprovalOutcome> {
  const { context, relay } = input;
  const { identity, peer } = ports;
  const { view } = ports.rules;
  const canElicit = Boolean(peer.clientCapabilities()?.elicitation);
  const client = peer.clientInfo?.();
  // Where the server works for this agent, so the person answering knows which checkout is touched.
  const server = view.servers.get(input.server);
  const workingDir = server?.transport === 'stdio' ? server.cwd : undefined;
  // Clients that reset their timeout on progress keep waiting while a human decides.
  const keepalive = relay.enabled ? setInterval(() => relay.tick('Waiting for a human to approve this call'), KEEPALIVE_MS) : undefined;
  try {
    return await ports.deps.approver.request(
      {
        agent: identity.agent,
        session: identity.id,
        environment: identity.environment,
        server: input.server,
        tool: input.tool,
        arguments: input.args,
        reasons: input.decision.reasons.filter((reason: Reason) => reason.decision === 'ask'),
        ...(workingDir === undefined ? {} : { workingDir }),
        ...(input.definition ? { definition: input.definition } : {}),
      },
      {
        signal: context.signal,
        webhooks: view.webhooks,
        channels: view.approvalChannels,
        ...(client ? { client } : {}),
        ...(canElicit
          ? {
              // The approver withdraws the prompt when the approval ends; until then it stays open,
              // however long approval.timeout is (the SDK would give up after 60 s).
              elicit: (params, signal) =>
                context.sendRequest('elicitation/create', { ...params }, { signal, timeoutMs: view.approvalTimeoutMs + PROMPT_GRACE_MS }) as Promise<{
                  action: ElicitResult['action'];
                  content?: JsonObject;
                }>,
            }
          : {}),
      },
    );
  } finally {
    if (keepalive) clearInterval(keepalive);
  }
}

export function approvalRecord(outcome: ApprovalOutcome): NonNullable<AuditRecord['approval']> {
  return {
    ticket: outcome.ticketId,
    channel: outcome.channel,
    ...(outcome.by ? { by: outcome.by } : {}),
    waited_ms: outcome.durationMs,
    ...(outcome.client ? { client: { ...outcome.client } } : {}),
  };
}

/** The agent's progress token is ours to relay; the upstream gets its own from the SDK client. */
function stripProgressToken(meta: JsonObject): JsonObject {
  const { progressToken: _dropped, ...rest } = meta;
  return rest;
}
