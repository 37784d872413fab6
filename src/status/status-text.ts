// `mcp-warden status` for a person: each gateway with its console link and, per session, a table of
// its upstreams; then the calls waiting for approval and how to answer them.
import { formatDuration } from '../approval/ticket.js';
import type { ConfigState } from '../config/holder.js';
import type { SessionEntry } from './gateway-entry.js';
import type { GatewayStatus, StatusReport } from './status-report.js';
import { describeUpstream } from './upstream-entry.js';

const START_HINT =
  'Start one with "mcp-warden serve --http 127.0.0.1:8787", or let your MCP client start "mcp-warden serve --agent NAME" (see "mcp-warden connect")';

export function formatStatus(report: StatusReport, now: number): string {
  const lines: string[] = [];
  if (report.gateways.length === 0) {
    const where = report.store ? `on the PostgreSQL store of "${report.store.config}"` : `for state directory "${report.stateDir}"`;
    lines.push(`No mcp-warden gateway is running ${where}.`, START_HINT);
  } else {
    const count = report.gateways.length;
    const where = report.store ? `on the PostgreSQL store of "${report.store.config}"` : `(state directory "${report.stateDir}")`;
    lines.push(`${count} gateway${count === 1 ? '' : 's'} running ${where}:`);
    for (const gateway of report.gateways) lines.push('', ...gatewayLines(gateway, now));
  }
  lines.push('');
  if (report.pending.length === 0) {
    lines.push('No call is waiting for approval.');
  } else {
    const count = report.pending.length;
    lines.push(`${count} call${count === 1 ? '' : 's'} waiting for approval:`);
    for (const t of report.pending) {
      const gateway = t.replica ? `  (${replicaText(t.replica, t.gatewayHost, t.gatewayPid)})` : t.gatewayPid ? `  (gateway pid ${t.gatewayPid})` : '';
      lines.push(`  ${t.id}  ${t.server}/${t.tool}  agent "${t.agent}"  asked ${formatDuration(now - t.createdAt)} ago, denied in ${formatDuration(t.expiresAt - now)}${gateway}`);
    }
    const where = report.consoles.length > 0 ? `in a console (${report.consoles.join(', ')}) or ` : '';
    lines.push(`  Answer ${where}with "mcp-warden approvals approve ID" / "mcp-warden approvals deny ID --reason TEXT".`);
  }
  return lines.join('\n');
}

function gatewayLines(gateway: GatewayStatus, now: number): string[] {
  const who = gateway.kind === 'stdio' ? `stdio gateway for agent "${gateway.agent ?? '?'}"` : `HTTP gateway at ${gateway.url ?? '(not listening yet)'}`;
  const place = gateway.replica ? replicaText(gateway.replica, gateway.host, gateway.pid) : `pid ${gateway.pid}`;
  const lines = [`${who}  ${place}  environment "${gateway.environment}"  up ${formatDuration(now - gateway.startedAt)}`, `  config: ${gateway.config}`];
  if (gateway.configState?.stale) lines.push(`  ${staleText(gateway.configState)}`);
  lines.push(`  approval console: ${consoleText(gateway)}`);
  if (gateway.sessions.length === 0) {
    lines.push(gateway.kind === 'stdio' ? '  no session yet (the client has not sent initialize)' : '  no session open');
  }
  // The shared store keeps sessions, not their upstreams' states (those are on the replica's own host).
  for (const session of gateway.sessions) lines.push(...sessionLines(session, now, !gateway.replica));
  return lines;
}

/** "replica 3f2a1b9c on host web-1, pid 123": the id shortened, as the console card shows it. */
export function replicaText(replica: string, host: string | undefined, pid: number | undefined): string {
  return `replica ${replica.slice(0, 8)}${host ? ` on host ${host}` : ''}${pid ? `, pid ${pid}` : ''}`;
}

/** `config: stale since 11:02 — gateway.yaml:12:5 unknown key "alow"`: the running config, and the reload that failed. */
export function staleText(state: ConfigState): string {
  const since = new Date(state.staleSince ?? state.lastAttemptAt);
  const clock = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
  const why = state.lastError?.split('\n').find((line) => line.trim()) ?? state.lastErrorWhere?.[0] ?? 'the last reload failed';
  return `config: stale since ${clock} — ${why.trim()} (still serving generation ${state.generation}; fix the file, it reloads on save or SIGHUP)`;
}

function consoleText(gateway: GatewayStatus): string {
  if (gateway.consoleLink) return `${gateway.consoleLink}${gateway.console?.shared ? ' (shared with another gateway)' : ''}`;
  if (gateway.console) return 'none now: the gateway whose console it shared has exited (another console, or "mcp-warden approvals", still answers)';
  return 'none (no "console" approval channel, or --non-interactive)';
}

function sessionLines(session: SessionEntry, now: number, upstreamsKnown: boolean): string[] {
  const client = session.client ? `  client "${session.client.name}" ${session.client.version}` : '';
  const lines = [`  session ${session.id}  agent "${session.agent}"${client}  opened ${formatDuration(now - session.openedAt)} ago`];
  const servers = Object.keys(session.upstreams);
  if (!upstreamsKnown) return lines;
  if (servers.length === 0) return [...lines, '    no upstream servers'];
  const width = Math.max(...servers.map((server) => server.length));
  for (const server of servers) lines.push(`    ${server.padEnd(width)}  ${describeUpstream(session.upstreams[server]!, now)}`);
  return lines;
}
