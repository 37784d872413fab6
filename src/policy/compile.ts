// Compiles one agent's effective policy once into matchers, so deciding a call is lookups and regex
// runs only. Everything here is argument-independent; per-name results are memoised in name-facts.ts.
import type { CeilingRule, EffectivePolicy, Reason, Rule, SafetyMode, ServerPolicy } from './types.js';
import { compileRuleList, type RuleList } from './rule-list.js';
import { compileDangerous, type DangerousPatterns } from './dangerous.js';
import { createNameMemo, type NameMemo } from './name-facts.js';
import { quoteName } from './tool-name.js';
import { compileAccessRules, toolRules, type AccessKind, type CompiledAccessRules } from './access-rules.js';

export interface CompiledServer {
  id: string;
  policy: ServerPolicy;
  /** The server's `readonly:` globs, over the bare tool name. */
  readonly: RuleList<Rule>;
}

/** The safety that applies: the stricter of the profile's and the environment's. */
export interface EffectiveSafety {
  mode: SafetyMode;
  source: string;
  /** Who set it, for messages: `the profile` or `the environment "prod"`. */
  setBy: string;
}

/** A policy ready for `decide` and `visibility`. Treat it as opaque; build it with `compilePolicy`. */
export interface CompiledPolicy {
  readonly policy: EffectivePolicy;
  /** The agent-layer denial when the environment does not list this agent; undefined when active. */
  readonly inactiveAgent: Reason | undefined;
  readonly servers: ReadonlyMap<string, CompiledServer>;
  readonly allow: RuleList<Rule>;
  readonly ask: RuleList<Rule>;
  readonly deny: RuleList<Rule>;
  readonly requiredTools: RuleList<Rule>;
  readonly ceilings: RuleList<CeilingRule>;
  readonly dangerous: DangerousPatterns;
  readonly safety: EffectiveSafety;
  readonly memo: NameMemo;
  /** The `resource:` and `prompt:` rules, apart from the tool rules. */
  readonly access: Readonly<Record<AccessKind, CompiledAccessRules>>;
}

export interface CompileOptions {
  /** Most `server/tool` results kept; the memo is cleared when full. 0 turns memoisation off. */
  memoSize?: number;
}

const SAFETY_RANK: Readonly<Record<SafetyMode, number>> = { full: 0, standard: 1, safe: 2 };

/** Compiles `policy`; throws only when it is not an EffectivePolicy at all (a programmer error). */
export function compilePolicy(policy: EffectivePolicy, options: CompileOptions = {}): CompiledPolicy {
  if (typeof policy !== 'object' || policy === null || !Array.isArray(policy.allow)) {
    throw new TypeError('compilePolicy expects an EffectivePolicy');
  }
  const servers = new Map<string, CompiledServer>();
  for (const [id, server] of Object.entries(policy.servers)) {
    servers.set(id, { id, policy: server, readonly: compileRuleList(server.readonly, { nocase: false, onInvalid: 'never' }) });
  }
  return {
    policy,
    inactiveAgent: inactiveAgentReason(policy),
    servers,
    // A pattern that cannot be compiled fails towards the stricter outcome of its list.
    // Resource and prompt rules are compiled apart, so no tool glob (not even "**") grants one.
    allow: compileRuleList(toolRules(policy.allow), { nocase: false, onInvalid: 'never' }),
    ask: compileRuleList(toolRules(policy.ask), { nocase: true, onInvalid: 'match' }),
    deny: compileRuleList(toolRules(policy.deny), { nocase: true, onInvalid: 'match' }),
    requiredTools: compileRuleList(toolRules(policy.approval.requiredTools), { nocase: false, onInvalid: 'match' }),
    ceilings: compileRuleList(toolRules(policy.ceilings), { nocase: true, onInvalid: 'match' }),
    dangerous: compileDangerous(policy.approval.dangerousPatterns),
    safety: effectiveSafety(policy),
    memo: createNameMemo(options.memoSize ?? 10_000),
    access: { resource: compileAccessRules(policy, 'resource'), prompt: compileAccessRules(policy, 'prompt') },
  };
}

function inactiveAgentReason(policy: EffectivePolicy): Reason | undefined {
  const active = policy.activeAgents;
  if (active === null || active.value.includes(policy.agent)) return undefined;
  return Object.freeze({
    layer: 'agent',
    decision: 'deny',
    rule: `agents: [${active.value.join(', ')}]`,
    source: active.source,
    message: `Agent ${quoteName(policy.agent)} is not active in environment ${quoteName(policy.environment)}`,
  });
}

function effectiveSafety(policy: EffectivePolicy): EffectiveSafety {
  const profile = policy.safety;
  const environment = policy.environmentSafety;
  if (SAFETY_RANK[environment.value] > SAFETY_RANK[profile.value]) {
    return { mode: environment.value, source: environment.source, setBy: `the environment ${quoteName(policy.environment)}` };
  }
  return { mode: profile.value, source: profile.source, setBy: `the profile of agent ${quoteName(policy.agent)}` };
}
