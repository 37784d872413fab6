// `mcp-warden profile`: the merged profile of an agent in an environment, every rule and setting
// with the place it was written.
import { required, type ConfigOptions } from './args.js';
import { loadContext, requireAgent } from './context.js';
import type { Io } from './io.js';
import type { EffectivePolicy, Rule, Setting } from '../policy/types.js';

export interface ProfileOptions extends ConfigOptions {
  agent?: string;
  json?: boolean;
}

export async function runProfile(values: ProfileOptions, io: Io): Promise<number> {
  const agent = required(values.agent, 'agent');
  const { config, environment } = await loadContext(io, values);
  requireAgent(config, agent);
  const policy = config.agentView(agent, environment).effective;
  io.out(values.json ? JSON.stringify(policy, null, 2) : formatProfile(policy));
  return 0;
}

function rules(title: string, list: Rule[]): string[] {
  if (list.length === 0) return [`${title}: (none)`];
  return [`${title}:`, ...list.map((rule) => `  - ${JSON.stringify(rule.pattern)}  (${rule.source})`)];
}

function setting<T>(title: string, value: Setting<T>): string {
  return `${title}: ${JSON.stringify(value.value)}  (${value.source})`;
}

export function formatProfile(policy: EffectivePolicy): string {
  return [
    `agent "${policy.agent}" in environment "${policy.environment}"`,
    policy.activeAgents ? `active agents: ${policy.activeAgents.value.join(', ')}  (${policy.activeAgents.source})` : 'active agents: all',
    ...rules('deny', policy.deny),
    ...rules('ask', policy.ask),
    ...rules('allow', policy.allow),
    setting('shell', policy.shell),
    setting('file_write', policy.fileWrite),
    setting('database', policy.database),
    setting('safety (profile)', policy.safety),
    setting('safety (environment)', policy.environmentSafety),
    setting('approval.mode', policy.approval.mode),
    ...rules('approval.required_tools', policy.approval.requiredTools),
    ...rules('approval.dangerous_patterns', policy.approval.dangerousPatterns),
    setting('bash_only', policy.bashOnly),
    ...(policy.upstreamRequests
      ? [setting('upstream_requests.sampling', policy.upstreamRequests.sampling), setting('upstream_requests.elicitation', policy.upstreamRequests.elicitation)]
      : []),
    policy.ceilings.length === 0 ? 'ceilings: (none)' : ['ceilings:', ...policy.ceilings.map((c) => `  - ${JSON.stringify(c.pattern)}: ${c.verdict}  (${c.source})`)].join('\n'),
  ].join('\n');
}
