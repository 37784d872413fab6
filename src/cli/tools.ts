// `mcp-warden tools`: connects to the upstreams as the agent would and lists every tool with the
// decision its name gets and the name the agent sees (hidden tools have none).
import { visibility } from '../policy/index.js';
import type { Verdict } from '../policy/types.js';
import { GatewaySession } from '../gateway/session.js';
import { createNullSink } from '../audit/jsonl-sink.js';
import { required, type ConfigOptions } from './args.js';
import { loadContext, requireAgent } from './context.js';
import { wireGateway } from './wire.js';
import type { Io } from './io.js';

interface ToolRow {
  tool: string;
  exposed: string | null;
  decision: Verdict;
  reason: string;
}

export interface ToolsOptions extends ConfigOptions {
  agent?: string;
  json?: boolean;
}

export async function runTools(values: ToolsOptions, io: Io): Promise<number> {
  const agent = required(values.agent, 'agent');
  const { config, environment } = await loadContext(io, values);
  requireAgent(config, agent);
  const deps = wireGateway({ config, environment, nonInteractive: true, log: (m) => io.err(`mcp-warden: ${m}`), audit: createNullSink() });
  const session = new GatewaySession(deps, {
    agent,
    peer: { clientCapabilities: () => ({}), notify: async () => {}, request: async () => ({}) },
  });
  const rows: ToolRow[] = [];
  const failures: string[] = [];
  try {
    await session.start({});
    const catalog = await session.catalog();
    const exposedOf = new Map(catalog.tools().map((tool) => [`${catalog.lookup(tool.name)!.server}/${catalog.lookup(tool.name)!.tool.name}`, tool.name]));
    for (const server of Object.keys(config.servers)) {
      let tools;
      try {
        tools = await session.listServerTools(server);
      } catch (error) {
        failures.push(`${server}: ${(error as Error).message}`);
        continue;
      }
      for (const tool of tools) {
        const decision = visibility(session.policy, server, tool.name, tool.annotations);
        const decisive = decision.reasons.filter((r) => r.decision === decision.decision).at(-1);
        rows.push({ tool: `${server}/${tool.name}`, exposed: exposedOf.get(`${server}/${tool.name}`) ?? null, decision: decision.decision, reason: decisive?.message ?? '' });
      }
    }
  } finally {
    await session.close();
    await deps.approver.close();
  }
  if (values.json) {
    io.out(JSON.stringify({ agent, environment, tools: rows, unavailable: failures }, null, 2));
  } else {
    for (const row of rows) io.out(`${row.decision.padEnd(5)} ${row.tool.padEnd(40)} ${row.exposed ?? '(hidden)'}  ${row.reason}`);
    for (const failure of failures) io.err(`unavailable: ${failure}`);
  }
  return failures.length > 0 && rows.length === 0 ? 1 : 0;
}
