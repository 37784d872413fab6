// The decision engine's entry point: one call in, one Decision out, layer by layer (DESIGN §4). Pure:
// no I/O, no clock, no logging, and it never throws.
import type { Decision, Reason, ToolCall } from './types.js';
import type { CompiledPolicy, CompiledServer } from './compile.js';
import { nameFacts } from './name-facts.js';
import { invalidServerId, invalidToolName, quoteName } from './tool-name.js';
import { classifyWrites, writesBecause } from './writes.js';
import { inspectionLayer } from './inspection-layer.js';
import { safetyLayer } from './safety-layer.js';
import { approvalLayer } from './approval-layer.js';
import { raise, type Outcome } from './outcome.js';

/** Decides one tool call; a call that cannot be decided is denied, never thrown. */
export function decide(compiled: CompiledPolicy, call: ToolCall): Decision {
  try {
    return decideCall(compiled, call);
  } catch (error) {
    // Only a bug gets here; failing closed keeps the gateway safe while the reason makes it visible.
    const message = error instanceof Error ? error.message : String(error);
    return denied({ layer: 'input', decision: 'deny', rule: 'internal error', source: 'default', message: `The call could not be decided, so it is denied: ${message}` });
  }
}

function decideCall(compiled: CompiledPolicy, call: ToolCall): Decision {
  const checked = checkInput(compiled, call?.server, call?.tool);
  if ('layer' in checked) return denied(checked);
  const facts = nameFacts(compiled, checked, call.tool);
  const writes = classifyWrites(facts, call);
  if (facts.decision === 'deny') return { decision: 'deny', reasons: facts.reasons.slice(), writes };

  const outcome: Outcome = { decision: facts.decision, reasons: facts.reasons.slice() };
  inspectionLayer(compiled, facts, call, writes, outcome);
  if (outcome.decision !== 'deny') safetyLayer(compiled, facts, writes, () => writesBecause(facts, call), outcome);
  if (outcome.decision !== 'deny') approvalLayer(compiled, facts, call, writes, outcome);
  for (const ceiling of facts.ceilings) raise(outcome, ceiling);
  return { decision: outcome.decision, reasons: outcome.reasons, writes };
}

/**
 * The input layer: the configured server for a strictly valid name, or the reason to refuse it.
 * Shared with visibility.
 */
export function checkInput(compiled: CompiledPolicy, server: unknown, tool: unknown): CompiledServer | Reason {
  const bad = invalidServerId(server) ?? invalidToolName(tool);
  if (bad !== undefined) {
    return {
      layer: 'input',
      decision: 'deny',
      rule: 'valid tool name',
      source: 'default',
      message: `The tool name ${quoteName(`${String(server)}/${String(tool)}`)} is not valid: ${bad}`,
    };
  }
  const found = compiled.servers.get(server as string);
  if (found) return found;
  return {
    layer: 'input',
    decision: 'deny',
    rule: 'configured servers',
    source: 'default',
    message: `Server ${quoteName(server)} is not configured`,
  };
}

function denied(reason: Reason): Decision {
  return { decision: 'deny', reasons: [reason], writes: true };
}
