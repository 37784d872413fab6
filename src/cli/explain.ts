// `mcp-warden explain`: the decision a call would get, with every reason and where its rule was
// written. It never starts an upstream; argument inspection runs locally.
import { WardenError } from '../errors.js';
import { agentRules, compiledPolicy } from '../gateway/agent-rules.js';
import type { Decision } from '../policy/types.js';
import { createInspector } from '../inspect/index.js';
import { accessSubject } from '../policy/index.js';
import { decideAccessWith, type AccessTarget } from '../gateway/enforce-access.js';
import { createUpstream } from '../upstream/index.js';
import { required, type ConfigOptions } from './args.js';
import { explainPin } from './explain-pin.js';
import { openStore } from '../store/open-store.js';
import { loadContext, requireAgent } from './context.js';
import type { Io } from './io.js';

export interface ExplainOptions extends ConfigOptions {
  agent?: string;
  tool?: string;
  args?: string;
  resource?: string;
  server?: string;
  prompt?: string;
  lockfile?: string;
  json?: boolean;
}

export async function runExplain(values: ExplainOptions, io: Io): Promise<number> {
  const agent = required(values.agent, 'agent');
  const chosen = [values.tool, values.resource, values.prompt].filter((value) => value !== undefined).length;
  if (chosen === 0) throw new WardenError('BAD_INPUT', 'Missing required option "--tool" (or "--resource URI --server S", or "--prompt server/name")');
  if (chosen > 1) throw new WardenError('BAD_INPUT', 'Give exactly one of "--tool server/tool", "--resource URI --server S" or "--prompt server/name"');
  if (values.tool === undefined) return explainAccessCommand(io, values, agent);
  const qualified = required(values.tool, 'tool');
  const callArgs = parseJsonArgs(values.args);
  const { config, environment } = await loadContext(io, values);
  requireAgent(config, agent);
  const decision = await explainCall(config, environment, agent, qualified, callArgs);
  const slash = qualified.indexOf('/');
  // With a PostgreSQL store the changes trusted at run time are in the database, not this machine's state.
  const store = config.store.kind === 'postgres' ? await openStore(config.store) : undefined;
  let pin;
  try {
    pin = await explainPin(qualified.slice(0, slash), qualified.slice(slash + 1), {
      configFile: config.file,
      cwd: io.cwd,
      ...(values.lockfile ? { lockfile: values.lockfile } : {}),
      ...(io.env.MCP_WARDEN_STATE_DIR ? { stateDir: io.env.MCP_WARDEN_STATE_DIR } : {}),
      ...(store?.pinEntries ? { entries: store.pinEntries(config.file) } : {}),
    });
  } finally {
    await store?.close();
  }
  if (values.json) {
    io.out(JSON.stringify({ agent, environment, tool: qualified, ...decisionJson(decision), pin }, null, 2));
  } else {
    io.out(`${formatDecision(agent, environment, qualified, decision)}\n  pin   ${pin.message}`);
  }
  return 0;
}

async function explainAccessCommand(
  io: Io,
  values: ExplainOptions,
  agent: string,
): Promise<number> {
  let target: AccessTarget;
  if (values.resource !== undefined) {
    target = { kind: 'resource', server: required(values.server, 'server'), name: required(values.resource, 'resource') };
  } else {
    const written = required(values.prompt, 'prompt');
    const slash = written.indexOf('/');
    if (slash <= 0 || slash === written.length - 1) throw new WardenError('BAD_INPUT', `Prompt "${written}" must be written "server/name"`);
    if (values.server !== undefined) throw new WardenError('BAD_INPUT', 'Option "--server" goes with "--resource"; write the prompt as "server/name"');
    target = { kind: 'prompt', server: written.slice(0, slash), name: written.slice(slash + 1) };
  }
  const { config, environment } = await loadContext(io, values);
  requireAgent(config, agent);
  const decision = await explainAccess(config, environment, agent, target, (message) => io.err(`mcp-warden: ${message}`));
  const subject = accessSubject(target.kind, target.server, target.name);
  if (values.json) {
    io.out(JSON.stringify({ agent, environment, [target.kind]: target.kind === 'resource' ? target.name : `${target.server}/${target.name}`, server: target.server, ...decisionJson(decision) }, null, 2));
  } else {
    io.out(formatDecision(agent, environment, subject, decision));
  }
  return 0;
}

/**
 * Decides one resource read or prompt get exactly as the gateway would. With no `resource:` or
 * `prompt:` rule for the server the answer follows its tools, so the server is started to list them
 * (and closed); a server that cannot be listed counts as having none, as in the gateway.
 */
export async function explainAccess(
  config: Awaited<ReturnType<typeof loadContext>>['config'],
  environment: string,
  agent: string,
  target: AccessTarget,
  warn: (message: string) => void,
): Promise<Decision> {
  const view = config.agentView(agent, environment);
  const policy = compiledPolicy(view);
  const server = view.servers.get(target.server);
  let tools: string[] = [];
  if (server && !policy.access[target.kind].namesServer(target.server) && !policy.inactiveAgent) {
    const upstream = createUpstream(server, { extraEnv: { ...view.extraEnv }, hooks: {} });
    try {
      const info = await upstream.connect();
      if (info.capabilities.tools) tools = (await upstream.listTools()).map((tool) => tool.name);
    } catch (error) {
      warn(`Cannot list the tools of server "${target.server}" (${(error as Error).message}); decided as if it had none`);
    } finally {
      await upstream.close();
    }
  }
  return decideAccessWith(policy, { target, server, tools });
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
  const view = config.agentView(agent, environment);
  const rules = agentRules(view, createInspector());
  return rules.decideCall({ server: view.servers.get(server), serverId: server, tool, arguments: callArgs });
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
  const verb = /^(resource|prompt):/.test(qualified) ? 'using' : 'calling';
  const lines = [`${decision.verdict.toUpperCase()}: agent "${agent}" ${verb} "${qualified}" in environment "${environment}"${decision.writes ? ' (classified as a write)' : ''}`];
  for (const reason of decision.reasons) {
    lines.push(`  ${reason.decision.padEnd(5)} ${reason.layer.padEnd(10)} ${reason.message}`);
    lines.push(`        ${''.padEnd(10)} rule ${reason.rule} at ${reason.source}`);
  }
  return lines.join('\n');
}

/** A decision as `explain --json` prints it: the verdict under "decision", as documented and as the audit log writes it. */
function decisionJson(decision: Decision): { decision: Decision['verdict']; reasons: Decision['reasons']; writes: boolean } {
  return { decision: decision.verdict, reasons: decision.reasons, writes: decision.writes };
}
