// DESIGN §4.5: which calls a person must approve. The mode adds asks by kind of call; in every mode
// but none, arguments holding a dangerous pattern ask too, and arguments too large to scan are denied.
import type { Reason, ToolCall } from './types.js';
import type { CompiledPolicy } from './compile.js';
import type { NameFacts } from './name-facts.js';
import { hasPatterns, scanArguments } from './dangerous.js';
import { MAX_SCAN_CHARS } from './argument-texts.js';
import { raise, type Outcome } from './outcome.js';

/** Applies the approval mode and the dangerous patterns to one call. */
export function approvalLayer(compiled: CompiledPolicy, facts: NameFacts, call: ToolCall, writes: boolean, outcome: Outcome): void {
  const mode = compiled.policy.approval.mode;
  if (mode.value === 'none') return;
  const modeReason = modeAsk(compiled, facts, writes);
  if (modeReason) raise(outcome, modeReason);
  if (!hasPatterns(compiled.dangerous, call.inspection)) return;

  const scan = scanArguments(compiled.dangerous, call.arguments, call.inspection);
  if (scan.tooLarge) {
    raise(outcome, {
      layer: 'approval',
      decision: 'deny',
      rule: `dangerous_patterns: arguments up to ${MAX_SCAN_CHARS} characters`,
      source: 'default',
      message: `The arguments are too large to scan for dangerous patterns (over ${MAX_SCAN_CHARS} characters); send smaller arguments`,
    });
    return;
  }
  for (const match of scan.matches) {
    raise(outcome, {
      layer: 'approval',
      decision: 'ask',
      rule: `dangerous_patterns: "${match.rule.pattern}"`,
      source: match.rule.source,
      message: `A person must approve "${facts.qualified}": ${match.message}`,
    });
  }
}

/**
 * The argument-independent part of the approval layer: what the mode alone asks for. Shared with
 * visibility, which has no arguments.
 */
export function modeAsk(compiled: CompiledPolicy, facts: NameFacts, writes: boolean): Reason | undefined {
  const mode = compiled.policy.approval.mode;
  const ask = (rule: string, source: string, why: string): Reason => ({ layer: 'approval', decision: 'ask', rule, source, message: `A person must approve "${facts.qualified}": ${why}` });
  switch (mode.value) {
    case 'all':
      return ask('approval: all', mode.source, 'approval mode "all" asks for every call');
    case 'dangerous': {
      const kind = facts.server.policy.kind;
      if (kind === 'shell' || kind === 'database') return ask('approval: dangerous', mode.source, `approval mode "dangerous" asks for every ${kind} tool`);
      if (writes) return ask('approval: dangerous', mode.source, 'approval mode "dangerous" asks for calls that may change something');
      return undefined;
    }
    case 'granular':
      return facts.requiredTool ? ask(`required_tools: "${facts.requiredTool.pattern}"`, facts.requiredTool.source, `it matches required_tools "${facts.requiredTool.pattern}"`) : undefined;
    default:
      return undefined;
  }
}
