// Which tools an agent sees in tools/list: the decision a tool gets whatever its arguments. A tool is
// shown unless this is deny, so the list is filtered by the same rules that decide calls.
import type { Decision, ToolAnnotations } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { checkInput } from './decide.js';
import { nameFacts } from './name-facts.js';
import { classifyWrites, writesBecause } from './writes.js';
import { safetyLayer } from './safety-layer.js';
import { modeAsk } from './approval-layer.js';
import { raise, type Outcome } from './outcome.js';

/**
 * The argument-independent decision for `server/tool`: input, agent, name (with bash_only), safety
 * for generic servers, the approval mode, and ceilings. Inspection and dangerous patterns need
 * arguments, so a shell, filesystem or database tool stays visible: a call may prove read-only.
 */
export function visibility(compiled: CompiledPolicy, server: string, tool: string, annotations?: ToolAnnotations): Decision {
  try {
    const checked = checkInput(compiled, server, tool);
    if ('layer' in checked) return { decision: 'deny', reasons: [checked], writes: true };
    const facts = nameFacts(compiled, checked, tool);
    const call = { annotations };
    const writes = classifyWrites(facts, call);
    if (facts.decision === 'deny') return { decision: 'deny', reasons: facts.reasons.slice(), writes };
    const outcome: Outcome = { decision: facts.decision, reasons: facts.reasons.slice() };
    // For a server with a kind, only inspection can tell whether a call writes; assume nothing here.
    const generic = checked.policy.kind === 'generic';
    if (generic) safetyLayer(compiled, facts, writes, () => writesBecause(facts, call), outcome);
    const ask = outcome.decision === 'deny' ? undefined : modeAsk(compiled, facts, generic && writes);
    if (ask) raise(outcome, ask);
    for (const ceiling of facts.ceilings) raise(outcome, ceiling);
    return { decision: outcome.decision, reasons: outcome.reasons, writes };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { decision: 'deny', reasons: [{ layer: 'input', decision: 'deny', rule: 'internal error', source: 'default', message: `The tool could not be checked, so it is hidden: ${message}` }], writes: true };
  }
}
