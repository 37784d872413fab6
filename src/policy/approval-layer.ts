// DESIGN §4.5: which calls a person must approve. The mode adds asks by kind of call; in every mode
// but none, arguments holding a dangerous pattern ask too, and arguments too large to scan are denied.
import type { Reason } from './types.js';
import type { CompiledPolicy } from './compile.js';
import { hasPatterns, scanArguments } from './dangerous.js';
import { MAX_SCAN_CHARS } from './argument-texts.js';
import { NO_REASONS, type Subject } from './layer.js';

/** The approval mode's ask, then the dangerous patterns found in a call's arguments (a list question has none). */
export function approvalLayer(compiled: CompiledPolicy, subject: Subject): readonly Reason[] {
  if (compiled.policy.approval.mode.value === 'none') return NO_REASONS;
  const modeReason = modeAsk(compiled, subject);
  const call = subject.call;
  if (call === undefined || !hasPatterns(compiled.dangerous, call.inspection)) return modeReason ? [modeReason] : NO_REASONS;

  const reasons: Reason[] = modeReason ? [modeReason] : [];
  const scan = scanArguments(compiled.dangerous, call.arguments, call.inspection);
  if (scan.tooLarge) {
    reasons.push({
      layer: 'approval',
      decision: 'deny',
      rule: `dangerous_patterns: arguments up to ${MAX_SCAN_CHARS} characters`,
      source: 'default',
      message: `The arguments are too large to scan for dangerous patterns (over ${MAX_SCAN_CHARS} characters); send smaller arguments`,
    });
    return reasons;
  }
  for (const match of scan.matches) {
    reasons.push({
      layer: 'approval',
      decision: 'ask',
      rule: `dangerous_patterns: "${match.rule.pattern}"`,
      source: match.rule.source,
      message: `A person must approve "${subject.facts.qualified}": ${match.message}`,
    });
  }
  return reasons;
}

/** What the approval mode alone asks for: it needs no arguments, so the tools/list question gets it too. */
function modeAsk(compiled: CompiledPolicy, subject: Subject): Reason | undefined {
  const { facts, writes } = subject;
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
