// Inspect, then decide: the step the call pipeline and `mcp-warden explain` share, so that explain
// answers exactly what the gateway would do.
import { decide, type CompiledPolicy } from '../policy/index.js';
import type { Decision, EffectivePolicy, ToolAnnotations } from '../policy/types.js';
import type { ServerConfig } from '../config/types.js';
import type { ArgumentInspector } from './types.js';

export interface CallToDecide {
  /** The server as started for the agent; undefined for a server the config does not have. */
  server: ServerConfig | undefined;
  serverId: string;
  tool: string;
  arguments: unknown;
  annotations?: ToolAnnotations;
}

/** Decides calls for one agent in one environment; the pattern list is read from the profile once. */
export function createCallDecider(effective: EffectivePolicy, policy: CompiledPolicy, inspector: ArgumentInspector): (call: CallToDecide) => Promise<Decision> {
  const dangerousPatterns = effective.approval.dangerousPatterns.map((rule) => rule.pattern);
  return async (call) => {
    const inspection = call.server ? await inspector.inspect(call.server, call.tool, call.arguments, { dangerousPatterns }) : undefined;
    return decide(policy, {
      server: call.serverId,
      tool: call.tool,
      arguments: call.arguments,
      ...(call.annotations ? { annotations: call.annotations } : {}),
      ...(inspection ? { inspection } : {}),
    });
  };
}
