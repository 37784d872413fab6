// `mcp-warden explain`: the decision a call would get, with every reason and where its rule was
// written. It never starts an upstream; argument inspection runs locally.
import { WardenError } from '../errors.js';
import { compilePolicy } from '../policy/index.js';
import { createCallDecider } from '../gateway/decide-call.js';
import type { Decision } from '../policy/types.js';
import { createInspector } from '../inspect/index.js';
import { parse, COMMON_OPTIONS, required } from './args.js';
import { loadContext, requireAgent } from './context.js';
import type { Io } from './io.js';

export async function runExplain(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...COMMON_OPTIONS, agent: { type: 'string' }, tool: { type: 'string' }, args: { type: 'string' } });
  const agent = required(values.agent, 'agent');
  const qualified = required(values.tool, 'tool');
  const callArgs = parseJsonArgs(values.args);
  const { config, environment } = await loadContext(io, values);
  requireAgent(config, agent);
  const decision = await explainCall(config, environment, agent, qualified, callArgs);
  if (values.json) {
    io.out(JSON.stringify({ agent, environment, tool: qualified, ...decision }, null, 2));
  } else {
    io.out(formatDecision(agent, environment, qualified, decision));
  }
  return 0;
}

/** Decides one call exactly as the gateway would, minus the upstream. */
export async function explainCall(
  config: Awaited<ReturnType<typeof loadContext>>['config'],
  environment: string,
  agent: string,
  qualified: string,
  callArgs: Record<string, unknown>,
): Promise<Decision> {
  const slash = qualified.indexOf('/');
  if (slash <= 0 || slash === qualified.length - 1) {
    throw new WardenError('BAD_INPUT', `Tool "${qualified}" must be written "server/tool"`);
  }
  const server = qualified.slice(0, slash);
  const tool = qualified.slice(slash + 1);
  const effective = config.policyFor(agent, environment);
  const decideCall = createCallDecider(effective, compilePolicy(effective), createInspector());
  return decideCall({ server: config.servers[server] ? config.serverFor(agent, server) : undefined, serverId: server, tool, arguments: callArgs });
}

/** `--args` must be a JSON object. */
export function parseJsonArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new WardenError('BAD_INPUT', `Option "--args" is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WardenError('BAD_INPUT', 'Option "--args" must be a JSON object, e.g. --args \'{"path": "a.txt"}\'');
  }
  return parsed as Record<string, unknown>;
}

export function formatDecision(agent: string, environment: string, qualified: string, decision: Decision): string {
  const lines = [`${decision.decision.toUpperCase()}: agent "${agent}" calling "${qualified}" in environment "${environment}"${decision.writes ? ' (classified as a write)' : ''}`];
  for (const reason of decision.reasons) {
    lines.push(`  ${reason.decision.padEnd(5)} ${reason.layer.padEnd(10)} ${reason.message}`);
    lines.push(`        ${''.padEnd(10)} rule ${reason.rule} at ${reason.source}`);
  }
  return lines.join('\n');
}
