// Which channels reach a person for one agent in one environment. Elicitation is only as trustworthy
// as the agent's client, so an environment (prod, CI) or an agent (a remote one) can replace the list.
import type { ApprovalConfig, ResolvedConfig } from './types.js';

/** The agent's `approval.channels`, else the environment's, else the global `approval.channels`. */
export function approvalChannelsFor(config: Pick<ResolvedConfig, 'agents' | 'environments' | 'approval'>, agent: string, environment: string): ApprovalConfig['channels'] {
  return config.agents[agent]?.approvalChannels ?? config.environments[environment]?.approvalChannels ?? config.approval.channels;
}
