// `mcp-warden tools`: connects to the upstreams as the agent would and lists every tool with its
// visibility (visible, asks, hidden) and the name the agent sees (hidden tools have none). This is
// the tool list, not a call's decision: a visible tool's call can still be denied by its arguments.
import { visibility } from '../policy/index.js';
import type { Verdict } from '../policy/types.js';
import { GatewaySession } from '../gateway/session.js';
import { createNullSink } from '../audit/jsonl-sink.js';
import { required, type ConfigOptions } from './args.js';
import { loadContext, requireAgent } from './context.js';
import { wireGateway } from './wire.js';
import type { Io } from './io.js';

/** What the agent's tool list does with a tool: lists it, lists it but asks a human first, or hides it. */
export type Visibility = 'visible' | 'asks' | 'hidden';

const VISIBILITY: Record<Verdict, Visibility> = { allow: 'visible', ask: 'asks', deny: 'hidden' };

interface ToolRow {
  tool: string;
  exposed: string | null;
  /** The verdict on the tool's name; kept for scripts written before `visibility`. */
  decision: Verdict;
  visibility: Visibility;
  reason: string;
}

export interface ToolsOptions extends ConfigOptions {
  agent?: string;
  json?: boolean;
  /** Scan what every server shows the model for poisoning instead (see tools-scan.ts). */
  scan?: boolean;
}

export async function runTools(values: ToolsOptions, io: Io): Promise<number> {
  if (values.scan) return (await import('./tools-scan.js')).runToolsScan(values, io);
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
        const decisive = decision.reasons.filter((r) => r.decision === decision.verdict).at(-1);
        rows.push({
          tool: `${server}/${tool.name}`,
          exposed: exposedOf.get(`${server}/${tool.name}`) ?? null,
          decision: decision.verdict,
          visibility: VISIBILITY[decision.verdict],
          reason: decisive?.message ?? '',
        });
      }
    }
  } finally {
    await session.close();
    await deps.approver.close();
  }
  if (values.json) {
    io.out(JSON.stringify({ agent, environment, tools: rows, unavailable: failures }, null, 2));
  } else {
    io.out(formatToolTable(agent, environment, rows));
    for (const failure of failures) io.err(`unavailable: ${failure}`);
  }
  return failures.length > 0 && rows.length === 0 ? 1 : 0;
}

/** The table for people: visibility first, and a note that it is not the decision on a call. */
export function formatToolTable(agent: string, environment: string, rows: ToolRow[]): string {
  const width = Math.max(4, ...rows.map((row) => row.tool.length));
  const lines = [
    `Tools agent "${agent}" sees in environment "${environment}". A visible tool's call can still be asked or denied`,
    `by its arguments and the environment's safety; "mcp-warden explain --tool server/tool --args JSON" decides a call.`,
    '',
    `${'VISIBILITY'.padEnd(10)} ${'TOOL'.padEnd(width)} ${'EXPOSED AS'.padEnd(12)} WHY`,
  ];
  for (const row of rows) lines.push(`${row.visibility.padEnd(10)} ${row.tool.padEnd(width)} ${(row.exposed ?? '-').padEnd(12)} ${row.reason}`);
  return lines.join('\n');
}
