// The enforcement of everything an agent asks of an upstream besides a tool call: resources/read,
// resources/subscribe and unsubscribe, prompts/get and completion/complete. Same order as a tool
// call: decide (the policy engine) → ask a person if needed → forward → audit. Every exit path writes
// one audit record, and a denied request reaches no upstream.
import { WardenError, isWardenError } from '../errors.js';
import { accessSubject, decideAccess, serverToolVerdict, type AccessKind, type CompiledPolicy } from '../policy/index.js';
import type { ServerConfig } from '../config/types.js';
import type { Decision } from '../policy/types.js';
import type { AuditRecord } from '../audit/types.js';
import type { ApprovalOutcome } from '../approval/types.js';
import { approvalRecord, waitForApproval } from './call-pipeline.js';
import { auditHead } from './audit-head.js';
import { admitAudited, unaudited } from './audit-gate.js';
import { approvalDenialText, denialText } from './denial.js';
import { ProgressRelay } from './progress-relay.js';
import { resourceForms } from './resource-forms.js';
import type { GatewayPorts } from './ports.js';
import type { CallContext } from './types.js';

type JsonObject = Record<string, unknown>;

/** Methods whose ask is put to a person; for the others (subscriptions, completions) an ask is a denial. */
const APPROVABLE = new Set(['resources/read', 'prompts/get']);

export interface AccessTarget {
  kind: AccessKind;
  server: string;
  /** The resource URI (or template), or the prompt's name on the upstream. */
  name: string;
}

export interface AccessRequest extends AccessTarget {
  method: string;
  /** The params forwarded to the upstream (with the prompt's upstream name). */
  params: JsonObject | undefined;
}

/** The decision for one resource or prompt of `server`, as `enforceAccess`, list filtering and notifications take it. */
export async function decideAccessFor(ports: Pick<GatewayPorts, 'rules' | 'tools'>, target: AccessTarget): Promise<Decision> {
  const { rules } = ports;
  return decideAccessWith(rules.policy, { target, server: rules.view.servers.get(target.server), tools: await ports.tools.serverToolNames(target.server) });
}

/**
 * Resolves a resource URI's forms (and a file:// URI's path), then decides: the step the gateway and
 * `mcp-warden explain` share. `tools` are every tool the server lists, allowed or not.
 */
export async function decideAccessWith(
  policy: CompiledPolicy,
  input: { target: AccessTarget; server: ServerConfig | undefined; tools: readonly string[] },
): Promise<Decision> {
  const { target } = input;
  const serverTools = serverToolVerdict(policy, target.server, input.tools);
  if (target.kind === 'prompt') return decideAccess(policy, { ...target, serverTools });
  const { forms, inspection } = await resourceForms(target.name, input.server?.inspect.sensitivePaths, input.server?.inspect.sensitivePathSources).catch((error: unknown) => ({
    forms: [],
    inspection: { check: 'filesystem' as const, understood: false, writes: false, violation: `the path could not be checked: ${(error as Error).message}`, patternTexts: [] },
  }));
  return decideAccess(policy, { ...target, forms, serverTools, ...(inspection ? { inspection } : {}) });
}

/** Enforces and, if allowed, forwards one access. Throws WardenError; the front converts it. */
export async function enforceAccess(ports: GatewayPorts, request: AccessRequest, context: CallContext): Promise<JsonObject> {
  const started = performance.now();
  const subject = accessSubject(request.kind, request.server, request.name);
  const args = request.params ?? {};
  let approval: ApprovalOutcome | undefined;
  const audit = (record: Pick<AuditRecord, 'decision' | 'reasons' | 'outcome'> & { error?: string }) =>
    ports.deps.audit.write({
      ...auditHead(ports.identity, args),
      event: 'access',
      tool: subject,
      method: request.method,
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
      ...record,
      ...(approval ? { approval: approvalRecord(approval) } : {}),
    });

  const decision = await decideAccessFor(ports, request);
  if (decision.verdict === 'ask' && !APPROVABLE.has(request.method)) {
    await audit({ decision: 'deny', reasons: decision.reasons, outcome: 'denied' });
    throw new WardenError('CALL_DENIED', denialText(subject, decision, `A person is asked only when the ${request.kind} itself is read; ${request.method} is denied until it is allowed.`));
  }
  if (decision.verdict === 'ask') {
    const relay = new ProgressRelay(context.progressToken, (p) => context.sendNotification('notifications/progress', p));
    // The ticket names the method as the tool, so a person sees "fs/resources/read" and the exact URI.
    approval = await waitForApproval(ports, { server: request.server, tool: request.method, args: args, decision, context, relay });
    if (!approval.approved) {
      await audit({ decision: 'deny', reasons: decision.reasons, outcome: approval.channel === 'cancelled' ? 'cancelled' : 'denied' });
      throw new WardenError('CALL_DENIED', approvalDenialText(subject, decision, approval));
    }
  } else if (decision.verdict === 'deny') {
    await audit({ decision: 'deny', reasons: decision.reasons, outcome: 'denied' });
    throw new WardenError('CALL_DENIED', denialText(subject, decision));
  }

  await admitAudited(ports.deps.audit, subject);
  let result: JsonObject;
  try {
    const upstream = await ports.upstreams.connect(request.server, context.signal);
    result = await ports.upstreams.withInflight(request.server, context, () => upstream.request(request.method, request.params, { signal: context.signal }));
  } catch (error) {
    await audit({
      decision: decision.verdict,
      reasons: decision.reasons,
      outcome: context.signal.aborted ? 'cancelled' : 'error',
      error: isWardenError(error) ? error.message : 'internal error',
    });
    throw error;
  }
  const failure = await audit({ decision: decision.verdict, reasons: decision.reasons, outcome: 'ok' });
  if (failure) throw unaudited(subject, failure);
  return result;
}

/** Audits a request refused before any server was chosen (a URI or prompt no reachable upstream offers). */
export function auditUnrouted(ports: Pick<GatewayPorts, 'identity' | 'deps'>, method: string, name: string, params: JsonObject | undefined, error: string): Promise<void> {
  const written = ports.deps.audit.write({
    ...auditHead(ports.identity, params ?? {}),
    event: 'access',
    tool: name,
    method,
    decision: 'deny',
    reasons: [],
    outcome: 'denied',
    error,
    duration_ms: 0,
  });
  // The request is refused either way; a record that could not be stored changes nothing here.
  return written.then(() => undefined);
}
