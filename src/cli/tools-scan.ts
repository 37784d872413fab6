// `mcp-warden tools --scan`: connects to every upstream as the agent would, reads everything each one
// shows the model (instructions, tools, prompts, resource templates) and prints the scanner's
// findings. Exit 1 when there is a finding or a server could not be read in full, so CI can run it
// like a linter; exit 0 only when every server was read and nothing was found.
import type { Upstream } from '../upstream/types.js';
import { GatewaySession } from '../gateway/session.js';
import { createNullSink } from '../audit/jsonl-sink.js';
import { collectEntities, scanEntities, type ScanEntity, type ScanFinding } from '../scanning/index.js';
import { required } from './args.js';
import { loadContext, requireAgent } from './context.js';
import type { ToolsOptions } from './tools.js';
import { wireGateway } from './wire.js';
import type { Io } from './io.js';

interface ServerCount {
  server: string;
  tools: number;
  prompts: number;
  resourceTemplates: number;
  instructions: boolean;
}

export async function runToolsScan(values: ToolsOptions, io: Io): Promise<number> {
  const agent = required(values.agent, 'agent');
  const { config, environment } = await loadContext(io, values);
  requireAgent(config, agent);
  const wired = wireGateway({ config, environment, nonInteractive: true, log: (m) => io.err(`mcp-warden: ${m}`), audit: createNullSink() });
  // The session starts each upstream as serving would (the agent's working_dir, the environment's
  // env); the scan reads through the same connections, every list in full, whatever the agent may see.
  const upstreams = new Map<string, Upstream>();
  const deps = {
    ...wired,
    createUpstream: (...args: Parameters<typeof wired.createUpstream>) => {
      const upstream = wired.createUpstream(...args);
      upstreams.set(args[0].id, upstream);
      return upstream;
    },
  };
  const session = new GatewaySession(deps, { agent, peer: { clientCapabilities: () => ({}), notify: async () => {}, request: async () => ({}) } });
  const servers = Object.keys(config.servers);
  const entities: ScanEntity[] = [];
  const counts: ServerCount[] = [];
  const unavailable: string[] = [];
  try {
    await session.start({});
    for (const server of servers) {
      try {
        await session.listServerTools(server);
        const listed = await collectEntities(server, upstreams.get(server)!);
        entities.push(...listed);
        counts.push(countOf(server, listed));
      } catch (error) {
        unavailable.push(`${server}: ${(error as Error).message}`);
      }
    }
  } finally {
    await session.close();
    await deps.approver.close();
  }
  const findings = scanEntities(entities, { serverIds: servers });
  if (values.json) io.out(JSON.stringify({ agent, environment, servers: counts, findings, unavailable }, null, 2));
  else {
    io.out(formatFindings(counts, findings));
    for (const failure of unavailable) io.err(`unavailable (not scanned): ${failure}`);
  }
  return findings.length > 0 || unavailable.length > 0 ? 1 : 0;
}

function countOf(server: string, entities: ScanEntity[]): ServerCount {
  const n = (kind: ScanEntity['kind']) => entities.filter((entity) => entity.kind === kind).length;
  return { server, tools: n('tool'), prompts: n('prompt'), resourceTemplates: n('resource-template'), instructions: n('instructions') > 0 };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The report for people: one block per finding, naming rule, server, entity and field. */
export function formatFindings(counts: ServerCount[], findings: ScanFinding[]): string {
  const total = (key: 'tools' | 'prompts' | 'resourceTemplates') => counts.reduce((sum, count) => sum + count[key], 0);
  const withInstructions = counts.filter((count) => count.instructions).length;
  const read = [plural(total('tools'), 'tool'), plural(total('prompts'), 'prompt'), plural(total('resourceTemplates'), 'resource template'), `the instructions of ${plural(withInstructions, 'server')}`];
  const lines = [`Scanned ${plural(counts.length, 'server')}: ${read.join(', ')}. ${findings.length === 0 ? 'No findings.' : `${plural(findings.length, 'finding')}:`}`];
  for (const finding of findings) {
    const entity = finding.kind === 'instructions' ? `${finding.server} (instructions)` : `${finding.server}/${finding.name} (${finding.kind})`;
    lines.push('', `${finding.rule}  ${entity}  ${finding.field}`, `  ${finding.message}`);
    if (finding.excerpt) lines.push(`  > ${finding.excerpt}`);
  }
  return lines.join('\n');
}
