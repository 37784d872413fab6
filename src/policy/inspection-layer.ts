// README "How a call is decided": applies the profile's shell, file_write and database modes to the facts `inspect/`
// found in the arguments. The engine never parses anything itself; missing facts deny in a
// restricting mode, because an uninspected call cannot be shown to fit it.
import type { Inspection, Reason } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { NO_REASONS, type Subject } from './layer.js';

/** The inspection layer for servers with a kind; generic servers and the tools/list question get nothing. */
export function inspectionLayer(compiled: CompiledPolicy, subject: Subject): readonly Reason[] {
  const { facts, call, writes } = subject;
  // The tools/list question has no arguments: a call of the tool may still prove it fits the mode.
  if (call === undefined) return NO_REASONS;
  const { policy } = compiled;
  const kind = facts.server.policy.kind;
  const inspection = call.inspection;
  const refusal = inspection?.refusal;
  // A sensitive read or a network device is refused whatever the mode says.
  if (refusal && kind !== 'generic' && inspection?.check === kind) {
    return [{ layer: 'inspection', decision: 'deny', rule: refusal.rule, source: refusal.source, message: refusal.message }];
  }
  switch (kind) {
    case 'shell':
      if (policy.shell.value !== 'restricted') return NO_REASONS;
      return refuseUnfit(inspection, { check: 'shell', rule: 'shell: restricted', source: policy.shell.source, label: 'shell restricted' });
    case 'filesystem':
      if (policy.fileWrite.value === 'off' && writes) return [deny('file_write: off', policy.fileWrite.source, `file_write off: "${facts.qualified}" writes`)];
      if (policy.fileWrite.value !== 'create-only') return NO_REASONS;
      return refuseUnfit(inspection, { check: 'filesystem', rule: 'file_write: create-only', source: policy.fileWrite.source, label: 'file_write create-only' });
    case 'database':
      if (policy.database.value !== 'readonly') return NO_REASONS;
      return refuseUnfit(inspection, { check: 'database', rule: 'database: readonly', source: policy.database.source, label: 'database readonly' });
    default:
      return NO_REASONS;
  }
}

interface ModeRule {
  /** The check whose facts the mode needs. */
  check: Inspection['check'];
  rule: string;
  source: string;
  /** The message prefix, e.g. `shell restricted`. */
  label: string;
}

/** A denial when the inspection does not show the call fits `mode`; nothing when it does. */
function refuseUnfit(inspection: Inspection | undefined, mode: ModeRule): readonly Reason[] {
  let why: string | undefined;
  if (!inspection || inspection.check !== mode.check) why = 'arguments were not inspected';
  else if (!inspection.understood) why = inspection.violation ?? 'arguments could not be understood';
  else if (inspection.violation !== undefined) why = inspection.violation;
  return why === undefined ? NO_REASONS : [deny(mode.rule, mode.source, `${mode.label}: ${why}`)];
}

function deny(rule: string, source: string, message: string): Reason {
  return { layer: 'inspection', decision: 'deny', rule, source, message };
}
