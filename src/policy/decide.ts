// The decision engine's entry point: one question in, one Decision out (README "How a call is decided"). The question is a
// tools/call, or the tools/list question "this tool, whatever its arguments"; both run the same
// layers. Pure: no I/O, no clock, no logging, and it never throws.
import type { Decision, Inspection, Reason, ToolCall, ToolQuestion } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { foldLayers, type Step, type Subject } from './layer.js';
import { checkInput } from './input-layer.js';
import { nameFacts, nameLayer } from './name-facts.js';
import { classifyWrites } from './writes.js';
import { inspectionLayer } from './inspection-layer.js';
import { safetyLayer } from './safety-layer.js';
import { approvalLayer } from './approval-layer.js';
import { ceilingLayer } from './ceiling-layer.js';

/**
 * The layers in the order they apply (README "How a call is decided", after the input check; Stage says what a deny stops).
 * Why this order: the name rules need only `server/tool` and settle most questions; inspection needs
 * the arguments' facts and settles whether the call writes, which safety needs; the approval mode
 * comes after both because asking a person is pointless for a call they already deny; the ceilings
 * come last because they clamp the result of everything before them.
 */
const LAYERS: ReadonlyArray<Step<Subject>> = [
  { run: nameLayer, stage: 'name' },
  { run: inspectionLayer, stage: 'call' },
  { run: safetyLayer, stage: 'call' },
  { run: approvalLayer, stage: 'call' },
  { run: ceilingLayer, stage: 'clamp' },
];

/**
 * Decides one tool call, or (for a `ToolListing`) whether tools/list shows the tool: it does unless
 * the answer is deny. A question that cannot be decided is denied, never thrown.
 */
export function decide(compiled: CompiledPolicy, question: ToolQuestion): Decision {
  try {
    return decideQuestion(compiled, question);
  } catch (error) {
    // Only a bug gets here; failing closed keeps the gateway safe while the reason makes it visible.
    const message = error instanceof Error ? error.message : String(error);
    const what = question?.kind === 'list' ? 'The tool could not be checked, so it is hidden' : 'The call could not be decided, so it is denied';
    return denied({ layer: 'input', decision: 'deny', rule: 'internal error', source: 'default', message: `${what}: ${message}` });
  }
}

function decideQuestion(compiled: CompiledPolicy, question: ToolQuestion): Decision {
  const checked = checkInput(compiled, question);
  if ('layer' in checked) return denied(checked);
  const facts = nameFacts(compiled, checked, question.tool);
  const call = asCall(question);
  const writes = classifyWrites(facts, question);
  // For the list question, only a generic tool's name says whether it writes (see Subject.writes).
  const subject: Subject = { facts, call, writes: call !== undefined || checked.policy.kind === 'generic' ? writes : false };

  const outcome = foldLayers(LAYERS, { compiled, subject });
  return { verdict: outcome.decision, reasons: outcome.reasons, writes };
}

/**
 * The call to inspect, or undefined for the list question. A question tagged as a listing that still
 * carries arguments or an inspection is decided as the call it looks like: the stricter reading.
 */
function asCall(question: ToolQuestion): ToolCall | undefined {
  if (question.kind !== 'list') return question;
  // The types rule this out, but a caller that builds the question from untyped data could do it.
  const carried = question as { arguments?: unknown; inspection?: Inspection };
  if (carried.arguments === undefined && carried.inspection === undefined) return undefined;
  return { server: question.server, tool: question.tool, annotations: question.annotations, arguments: carried.arguments, inspection: carried.inspection };
}

function denied(reason: Reason): Decision {
  return { verdict: 'deny', reasons: [reason], writes: true };
}
