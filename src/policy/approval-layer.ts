// README "How a call is decided": which calls a person must approve. The mode adds asks by kind of call; in every mode
// but none, arguments holding a dangerous pattern ask too, and arguments too large to scan are denied.
import type { Reason } from './types.js';
import type { CompiledPolicy } from './compile.js';
import type { NameFacts } from './name-facts.js';
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
  switch (mode.value) {
    case 'all':
      return ask(facts, { rule: 'approval: all', source: mode.source, why: 'approval mode "all" asks for every call' });
    case 'dangerous': {
      const kind = facts.server.policy.kind;
      if (kind === 'shell' || kind === 'database') return ask(facts, { rule: 'approval: dangerous', source: mode.source, why: `approval mode "dangerous" asks for every ${kind} tool` });
      if (writes) return ask(facts, { rule: 'approval: dangerous', source: mode.source, why: 'approval mode "dangerous" asks for calls that may change something' });
      return undefined;
    }
    case 'granular': {
      const required = facts.requiredTool;
      return required ? ask(facts, { rule: `required_tools: "${required.pattern}"`, source: required.source, why: `it matches required_tools "${required.pattern}"` }) : undefined;
    }
    default:
      return undefined;
  }
}

// A module-level function, not a closure made per call: this runs on every tools/call.
function ask(facts: NameFacts, reason: { rule: string; source: string; why: string }): Reason {
  return { layer: 'approval', decision: 'ask', rule: reason.rule, source: reason.source, message: `A person must approve "${facts.qualified}": ${reason.why}` };
}
