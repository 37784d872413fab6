// DESIGN §4.3: applies the profile's shell, file_write and database modes to the facts `inspect/`
// found in the arguments. The engine never parses anything itself; missing facts deny in a
// restricting mode, because an uninspected call cannot be shown to fit it.
import type { Inspection, Reason, ToolCall } from './types.js';
import type { CompiledPolicy } from './compile.js';
import type { NameFacts } from './name-facts.js';
import { raise, type Outcome } from './outcome.js';

/** Runs the inspection layer for servers with a kind; generic servers are left alone. */
export function inspectionLayer(compiled: CompiledPolicy, facts: NameFacts, call: ToolCall, writes: boolean, outcome: Outcome): void {
  const { policy } = compiled;
  const refusal = call.inspection?.refusal;
  // A sensitive read or a network device is refused whatever the mode says.
  if (refusal && facts.server.policy.kind !== 'generic' && call.inspection?.check === facts.server.policy.kind) {
    raise(outcome, { layer: 'inspection', decision: 'deny', rule: refusal.rule, source: refusal.source, message: refusal.message });
    return;
  }
  switch (facts.server.policy.kind) {
    case 'shell':
      if (policy.shell.value === 'restricted') refuseUnfit(call.inspection, 'shell', { rule: 'shell: restricted', source: policy.shell.source, label: 'shell restricted' }, outcome);
      return;
    case 'filesystem':
      if (policy.fileWrite.value === 'off' && writes) {
        raise(outcome, deny('file_write: off', policy.fileWrite.source, `file_write off: "${facts.qualified}" writes`));
      } else if (policy.fileWrite.value === 'create-only') {
        refuseUnfit(call.inspection, 'filesystem', { rule: 'file_write: create-only', source: policy.fileWrite.source, label: 'file_write create-only' }, outcome);
      }
      return;
    case 'database':
      if (policy.database.value === 'readonly') refuseUnfit(call.inspection, 'database', { rule: 'database: readonly', source: policy.database.source, label: 'database readonly' }, outcome);
      return;
    default:
      return;
  }
}

interface ModeRule {
  rule: string;
  source: string;
  /** The message prefix, e.g. `shell restricted`. */
  label: string;
}

function refuseUnfit(inspection: Inspection | undefined, check: Inspection['check'], mode: ModeRule, outcome: Outcome): void {
  let why: string | undefined;
  if (!inspection || inspection.check !== check) why = 'arguments were not inspected';
  else if (!inspection.understood) why = inspection.violation ?? 'arguments could not be understood';
  else if (inspection.violation !== undefined) why = inspection.violation;
  if (why !== undefined) raise(outcome, deny(mode.rule, mode.source, `${mode.label}: ${why}`));
}

function deny(rule: string, source: string, message: string): Reason {
  return { layer: 'inspection', decision: 'deny', rule, source, message };
}
