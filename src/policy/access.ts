// The decision for what an agent asks of an upstream besides a tool call: reading a resource (also
// subscribing to it and completing its template) and getting a prompt (also completing its
// arguments). The same layers as a tool call, in the same order, with the same "only stricter" rule.
import type { Decision, Inspection, Reason, Verdict } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { ACCESS_PREFIX, type AccessKind, type AccessRule, type CompiledAccessRules } from './access-rules.js';
import { invalidServerId, quoteName } from './tool-name.js';
import { foldLayers, NO_REASONS, type Step } from './layer.js';
import { ceilingReason } from './ceiling-layer.js';

/** Longest resource URI or prompt name decided; anything longer is refused unread. */
export const MAX_ACCESS_NAME = 8192;

/** One resource or prompt access as the engine sees it. */
export interface AccessCall {
  kind: AccessKind;
  server: string;
  /** The resource URI (or URI template), or the prompt's name on the upstream, as the agent sent it. */
  name: string;
  /**
   * Other forms the upstream may take the same name for (normalised, percent-decoded, symlinks
   * resolved): a deny or ask rule matching any form applies, an allow rule must match every form.
   */
  forms?: readonly string[];
  /**
   * The most a tool of this server is allowed for this agent by name (agent, name and ceiling
   * layers): the answer for a server no `resource:` / `prompt:` rule is written for.
   */
  serverTools: Verdict;
  /** For `file://` resources: what resolving the path found (check "filesystem", never writes). */
  inspection?: Inspection;
}

/** Decides one access; never throws. */
export function decideAccess(compiled: CompiledPolicy, call: AccessCall): Decision {
  try {
    return decideOne(compiled, call);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return denied({ layer: 'input', decision: 'deny', rule: 'internal error', source: 'default', message: `The request could not be decided, so it is denied: ${message}` });
  }
}

/** How reasons and denials name an access: `resource:fs/file:///a.txt`, `prompt:echo/greet`. */
export function accessSubject(kind: AccessKind, server: string, name: string): string {
  return `${ACCESS_PREFIX[kind]}${server}/${name}`;
}

/** What the access layers read, worked out once before they run. */
interface AccessSubject {
  call: AccessCall;
  rules: CompiledAccessRules;
  /** `server/name` for the name and each other form of it. */
  forms: readonly string[];
  /** The subject as messages quote it. */
  shown: string;
}

/** The same stages as a tool decision (see decide.ts); there is no safety layer, an access never writes. */
const ACCESS_LAYERS: ReadonlyArray<Step<AccessSubject>> = [
  { run: accessNameLayer, stage: 'name' },
  { run: accessInspectionLayer, stage: 'call' },
  { run: accessApprovalLayer, stage: 'call' },
  { run: accessCeilingLayer, stage: 'clamp' },
];

function decideOne(compiled: CompiledPolicy, call: AccessCall): Decision {
  const bad = invalidInput(compiled, call);
  if (bad) return denied(bad);
  const subject: AccessSubject = {
    call,
    rules: compiled.access[call.kind],
    forms: [...new Set([call.name, ...(call.forms ?? [])])].map((form) => `${call.server}/${form}`),
    shown: quoteName(accessSubject(call.kind, call.server, call.name)),
  };
  const outcome = foldLayers(ACCESS_LAYERS, { compiled, subject });
  return { verdict: outcome.decision, reasons: outcome.reasons, writes: false };
}

/** The agent layer, then the `resource:` / `prompt:` rules: a deny matching any form, else an allow matching every form. */
function accessNameLayer(compiled: CompiledPolicy, subject: AccessSubject): readonly Reason[] {
  if (compiled.inactiveAgent) return [compiled.inactiveAgent];
  const { call, rules, forms, shown } = subject;
  const rule = (verb: string, found: AccessRule): string => `${verb}: "${found.pattern}"`;
  const denyRule = firstOf(forms, (form) => rules.deny.first(form));
  if (denyRule) return [{ layer: 'name', decision: 'deny', rule: rule('deny', denyRule), source: denyRule.source, message: `${shown} matches the deny rule "${denyRule.pattern}"` }];
  const askRule = firstOf(forms, (form) => rules.ask.first(form));
  if (askRule) return [{ layer: 'name', decision: 'ask', rule: rule('ask', askRule), source: askRule.source, message: `${shown} matches the ask rule "${askRule.pattern}", so a person must approve it` }];
  const allowRule = everyOf(forms, (form) => rules.allow.first(form));
  if (allowRule) return [{ layer: 'name', decision: 'allow', rule: rule('allow', allowRule), source: allowRule.source, message: `${shown} matches the allow rule "${allowRule.pattern}"` }];
  if (rules.namesServer(call.server)) {
    return [
      {
        layer: 'name',
        decision: 'deny',
        rule: 'default: deny',
        source: 'default',
        message: `No allow rule matches ${shown}, and ${call.kind} rules are written for server ${quoteName(call.server)} (default deny)`,
      },
    ];
  }
  return [followServer(call)];
}

function accessApprovalLayer(compiled: CompiledPolicy, subject: AccessSubject): readonly Reason[] {
  const mode = compiled.policy.approval.mode;
  if (mode.value !== 'all') return NO_REASONS;
  return [{ layer: 'approval', decision: 'ask', rule: 'approval: all', source: mode.source, message: `A person must approve ${subject.shown}: approval mode "all" asks for everything` }];
}

/** Every ceiling matching any form, each once, with the shared ceiling reason. */
function accessCeilingLayer(_compiled: CompiledPolicy, subject: AccessSubject): readonly Reason[] {
  const ceilings = new Set(subject.forms.flatMap((form) => subject.rules.ceilings.all(form)));
  return [...ceilings].map((ceiling) => ceilingReason(ceiling, subject.shown));
}

/** With no rule for this server's resources or prompts, they get what its tools get by name. */
function followServer(call: AccessCall): Reason {
  const server = quoteName(call.server);
  const what = call.kind === 'resource' ? 'resources' : 'prompts';
  const rule = `default: ${what} follow the server's tools`;
  switch (call.serverTools) {
    case 'allow':
      return { layer: 'name', decision: 'allow', rule, source: 'default', message: `This agent may use tools of server ${server}, so it may use its ${what}` };
    case 'ask':
      return { layer: 'name', decision: 'ask', rule, source: 'default', message: `Tools of server ${server} need a person's approval for this agent, so its ${what} do too` };
    default:
      return {
        layer: 'name',
        decision: 'deny',
        rule,
        source: 'default',
        message: `This agent may use no tool of server ${server} and no ${ACCESS_PREFIX[call.kind]} rule allows it, so its ${what} are denied (default deny)`,
      };
  }
}

/**
 * A `file://` URI that could not be resolved is denied in every mode, and so is a sensitive path, as
 * for a filesystem read tool: no profile setting makes a secret readable through a resource.
 */
function accessInspectionLayer(_compiled: CompiledPolicy, subject: AccessSubject): readonly Reason[] {
  const { shown } = subject;
  const inspection = subject.call.inspection;
  if (!inspection) return NO_REASONS;
  if (!inspection.understood) {
    return [
      {
        layer: 'inspection',
        decision: 'deny',
        rule: 'file:// URIs must resolve',
        source: 'default',
        message: `${shown} cannot be resolved to a file path, so it is denied: ${inspection.violation ?? 'unknown reason'}`,
      },
    ];
  }
  if (inspection.refusal) {
    return [{ layer: 'inspection', decision: 'deny', rule: inspection.refusal.rule, source: inspection.refusal.source, message: `${shown} is refused: ${inspection.refusal.message}` }];
  }
  if (inspection.violation) {
    return [{ layer: 'inspection', decision: 'deny', rule: 'sensitive paths', source: 'default', message: `${shown} is refused: ${inspection.violation}` }];
  }
  return NO_REASONS;
}

function invalidInput(compiled: CompiledPolicy, call: AccessCall): Reason | undefined {
  const reason = (rule: string, message: string): Reason => ({ layer: 'input', decision: 'deny', rule, source: 'default', message });
  const badServer = invalidServerId(call?.server);
  if (badServer) return reason('valid server id', `The server id ${quoteName(call?.server)} is not valid: ${badServer}`);
  if (!compiled.servers.has(call.server)) return reason('configured servers', `Server ${quoteName(call.server)} is not configured`);
  const what = call.kind === 'resource' ? 'resource URI' : 'prompt name';
  const names = [call.name, ...(call.forms ?? [])];
  for (const name of names) {
    if (typeof name !== 'string' || name.length === 0) return reason(`valid ${what}`, `The ${what} is empty or not a string`);
    if (name.length > MAX_ACCESS_NAME) return reason(`valid ${what}`, `The ${what} is longer than ${MAX_ACCESS_NAME} characters`);
    // A control character has no business in a URI or a name, and could hide what a rule sees.
    if (/[\u0000-\u001f\u007f]/.test(name)) return reason(`valid ${what}`, `The ${what} ${quoteName(name)} contains a control character`);
  }
  if (call.kind !== 'resource' && call.kind !== 'prompt') return reason('known kind', `Unknown kind ${quoteName(call.kind)}`);
  return undefined;
}

function firstOf<T>(forms: readonly string[], find: (form: string) => T | undefined): T | undefined {
  for (const form of forms) {
    const found = find(form);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The rule found for the first form when every form has one; else undefined. */
function everyOf<T>(forms: readonly string[], find: (form: string) => T | undefined): T | undefined {
  let first: T | undefined;
  for (const form of forms) {
    const found = find(form);
    if (found === undefined) return undefined;
    first ??= found;
  }
  return first;
}

function denied(reason: Reason): Decision {
  return { verdict: 'deny', reasons: [reason], writes: false };
}
