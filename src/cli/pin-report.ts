// What `mcp-warden pin` prints: per server, what was added, changed (with the diff) and removed, as a
// report for people or as JSON for scripts.
import type { PinnedEntity, PinStatus } from '../pinning/types.js';

export interface ServerReport {
  server: string;
  /** Why the server could not be listed. */
  error?: string;
  statuses: PinStatus[];
}

export interface PinSummary {
  /** The lockfile as shown to people. */
  lockfile: string;
  check: boolean;
  /** The lockfile existed before this run. */
  exists: boolean;
  written: boolean;
  drift: boolean;
  /** Servers the lockfile pinned that the config no longer has. */
  gone: string[];
  reports: ServerReport[];
}

export function serverReport(server: string, statuses: PinStatus[]): ServerReport {
  return { server, statuses };
}

/** `tool "echo"`, `prompt "greet"`, `instructions`. */
export function entityLabel(entity: PinnedEntity): string {
  return entity.kind === 'instructions' ? 'instructions' : `${entity.kind} "${entity.name}"`;
}

const VERB = { new: 'added', changed: 'changed', removed: 'removed' } as const;

export function formatPinReport(summary: PinSummary): string {
  const lines: string[] = [];
  for (const report of summary.reports) {
    if (report.error !== undefined) {
      lines.push(`${report.server}: cannot be listed: ${report.error}`);
      continue;
    }
    const counts = countOf(report.statuses);
    const drifted = report.statuses.filter((status) => status.state !== 'pinned');
    if (drifted.length === 0) {
      lines.push(`${report.server}: unchanged (${counts.pinned} pinned)`);
      continue;
    }
    const parts = [['added', counts.new], ['changed', counts.changed], ['removed', counts.removed], ['unchanged', counts.pinned]].filter(([, n]) => n !== 0);
    lines.push(`${report.server}: ${parts.map(([word, n]) => `${n} ${word}`).join(', ')}`);
    for (const status of drifted) {
      const entity = status.state === 'removed' ? status.pin : status.current;
      lines.push(`  ${VERB[status.state]} ${entityLabel(entity)}`);
      if (status.state === 'changed') for (const line of status.diff.split('\n')) lines.push(`    ${line}`);
    }
  }
  for (const server of summary.gone) lines.push(`${server}: removed (no longer in the config)`);
  lines.push(conclusion(summary));
  return lines.join('\n');
}

function conclusion(summary: PinSummary): string {
  const failed = summary.reports.some((report) => report.error !== undefined);
  if (summary.check) {
    if (failed) return `${summary.lockfile}: not checked: a server could not be listed`;
    if (!summary.exists) return `${summary.lockfile}: missing`;
    return summary.drift ? `${summary.lockfile}: drift (see above)` : `${summary.lockfile}: up to date`;
  }
  if (!summary.written) return `${summary.lockfile}: not written`;
  if (!summary.exists) return `${summary.lockfile}: written; commit it`;
  return summary.drift ? `${summary.lockfile}: updated; review the diff and commit it` : `${summary.lockfile}: up to date`;
}

function countOf(statuses: PinStatus[]): Record<PinStatus['state'], number> {
  const counts = { pinned: 0, changed: 0, new: 0, removed: 0 };
  for (const status of statuses) counts[status.state] += 1;
  return counts;
}

/** The JSON form: per server, entities by what happened to them, with digests and diffs. */
export function pinReportJson(summary: PinSummary): unknown {
  const brief = (entity: PinnedEntity) => ({ kind: entity.kind, name: entity.name, digest: entity.digest });
  return {
    lockfile: summary.lockfile,
    check: summary.check,
    written: summary.written,
    drift: summary.drift,
    servers: summary.reports.map((report) => ({
      server: report.server,
      ...(report.error !== undefined && { error: report.error }),
      added: report.statuses.flatMap((s) => (s.state === 'new' ? [brief(s.current)] : [])),
      changed: report.statuses.flatMap((s) => (s.state === 'changed' ? [{ kind: s.current.kind, name: s.current.name, before: s.pin.digest, after: s.current.digest, diff: s.diff }] : [])),
      removed: report.statuses.flatMap((s) => (s.state === 'removed' ? [brief(s.pin)] : [])),
      unchanged: report.statuses.filter((s) => s.state === 'pinned').length,
    })),
    removedServers: summary.gone,
  };
}
