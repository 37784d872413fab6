// An agent's rules as the gateway enforces them: the view of the config compiled once per view
// (every session of that agent shares it), with the call decider over the session's inspector.
import { compilePolicy, type CompiledPolicy } from '../policy/index.js';
import type { AgentView } from '../config/types.js';
import { createCallDecider } from './decide-call.js';
import type { AgentRules } from './ports.js';
import type { ArgumentInspector } from './types.js';

/** Views are cached by the config, so one compile per (agent, environment) for the config's life. */
const compiled = new WeakMap<AgentView, CompiledPolicy>();

/** The compiled policy of `view`, compiled on first use of that view only. */
export function compiledPolicy(view: AgentView): CompiledPolicy {
  let policy = compiled.get(view);
  if (!policy) compiled.set(view, (policy = compilePolicy(view.effective)));
  return policy;
}

/** The rules of `view` with a call decider that inspects arguments through `inspector`. */
export function agentRules(view: AgentView, inspector: ArgumentInspector): AgentRules {
  const policy = compiledPolicy(view);
  return { view, policy, decideCall: createCallDecider(view.effective, policy, inspector) };
}
