// The gateway's Prometheus metrics: a registry of its own (never prom-client's global one, so two
// gateways in one process or a library user's metrics never mix) fed by the gateway observer.
// Counts are facts heard from the observer; nothing here is asked of the gateway at scrape time.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditRecord } from '../audit/types.js';
import type { GatewayObserver, UpstreamStateEvent } from '../gateway/observer.js';
import { VERDICT_RANK } from '../policy/types.js';

/** The state of the running config, as hot reload knows it. */
export interface ReloadState {
  /** 1 for the config loaded at start, one more for each config swapped in. */
  generation: number;
  /** True while the file on disk is newer than the config in use (the last reload was invalid). */
  stale: boolean;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** Feeds the metrics; combine with the other observers through fanOut. */
  readonly observer: GatewayObserver;
  /** A store (tickets, audit, pins) failed to read or write; `kind` names the operation. */
  storeError(kind: string): void;
  /** Where the config generation and staleness are read at each scrape (hot reload's state). */
  followConfig(read: () => ReloadState): void;
}

/** Upper bounds in seconds: a gateway's own work is sub-millisecond, an upstream's can take minutes. */
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const ENDED_APPROVAL = new Set<AuditRecord['outcome']>(['approved', 'denied', 'expired', 'cancelled']);

/** Every gateway metric, registered in a fresh registry. */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  const decisions = new Counter({
    name: 'mcp_warden_decisions_total',
    help: 'Decided calls, resource and prompt accesses and upstream requests, by agent, decision and deciding layer',
    labelNames: ['agent', 'decision', 'layer'] as const,
    registers,
  });
  const overhead = new Histogram({
    name: 'mcp_warden_call_gateway_seconds',
    help: "Time a tools/call spent in the gateway itself: total minus upstream time minus a human's approval wait",
    labelNames: ['agent'] as const,
    buckets: OVERHEAD_BUCKETS,
    registers,
  });
  const upstreamTime = new Histogram({
    name: 'mcp_warden_call_upstream_seconds',
    help: 'Time a forwarded tools/call spent in its upstream server',
    labelNames: ['server'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const pending = new Gauge({ name: 'mcp_warden_approvals_pending', help: 'Asks of this gateway waiting for a human', registers });
  const answered = new Counter({
    name: 'mcp_warden_approvals_answered_total',
    help: 'Asks that ended, by channel and outcome (approved, denied, expired, cancelled)',
    labelNames: ['channel', 'outcome'] as const,
    registers,
  });
  const upstreamState = new Gauge({
    name: 'mcp_warden_upstream_state',
    help: 'Upstream connections (one per session and server) in each state',
    labelNames: ['server', 'state'] as const,
    registers,
  });
  const restarts = new Counter({
    name: 'mcp_warden_upstream_restarts_total',
    help: 'Start attempts of an upstream after its first one in the same session (after a crash, a loss or a failed start)',
    labelNames: ['server'] as const,
    registers,
  });
  const sessions = new Gauge({ name: 'mcp_warden_sessions', help: 'Open agent sessions', labelNames: ['agent'] as const, registers });
  const authRejected = new Counter({ name: 'mcp_warden_auth_rejected_total', help: 'HTTP requests refused for a missing or unknown token', registers });
  const storeErrors = new Counter({ name: 'mcp_warden_store_errors_total', help: 'Failed reads or writes of the shared store', labelNames: ['kind'] as const, registers });
  // Read when scraped, so a reload that failed shows at once without hot reload telling anyone.
  let configState: () => ReloadState = () => ({ generation: 1, stale: false });
  new Gauge({
    name: 'mcp_warden_config_generation',
    help: 'Generation of the config in use (1 at start, +1 per reload applied)',
    registers,
    collect() {
      this.set(configState().generation);
    },
  });
  new Gauge({
    name: 'mcp_warden_config_stale',
    help: '1 while gateway.yaml on disk could not be loaded and an older config is in use',
    registers,
    collect() {
      this.set(configState().stale ? 1 : 0);
    },
  });

  // The state each (session, server) connection is in now, so a change moves one count from the old state to the new.
  const connections = new Map<string, UpstreamStateEvent['state']>();

  const observer: GatewayObserver = {
    record(record) {
      if (record.event === 'approval') {
        if (record.outcome === 'asked') pending.inc();
        else if (ENDED_APPROVAL.has(record.outcome)) {
          pending.dec();
          answered.labels(record.approval?.channel ?? 'none', record.outcome).inc();
        }
        return;
      }
      decisions.labels(record.agent, record.decision, decidingLayer(record)).inc();
      if (record.event !== 'call') return;
      const upstreamMs = record.upstream_ms ?? 0;
      const waitedMs = record.approval?.waited_ms ?? 0;
      overhead.labels(record.agent).observe(Math.max(0, record.duration_ms - upstreamMs - waitedMs) / 1000);
      if (record.upstream_ms !== undefined) upstreamTime.labels(record.tool.split('/')[0] ?? record.tool).observe(record.upstream_ms / 1000);
    },
    upstream(event) {
      const key = `${event.session}\u0000${event.server}`;
      const previous = connections.get(key);
      if (event.state === 'starting' && previous !== undefined) restarts.labels(event.server).inc();
      if (previous !== undefined) upstreamState.labels(event.server, previous).dec();
      if (event.state === 'stopped') connections.delete(key);
      else {
        connections.set(key, event.state);
        upstreamState.labels(event.server, event.state).inc();
      }
    },
    session(event) {
      if (event.type === 'opened') sessions.labels(event.agent).inc();
      else sessions.labels(event.agent).dec();
    },
    authRejected() {
      authRejected.inc();
    },
  };

  return {
    registry,
    observer,
    storeError: (kind) => storeErrors.labels(kind).inc(),
    followConfig(read) {
      configState = read;
    },
  };
}

/**
 * The layer that decided: the first reason with the strictest effect (later layers may repeat the
 * verdict but did not change it); `rules` for an allow with no reason, `default` for a refusal
 * that no rule wrote (an unknown tool, arguments that are not an object).
 */
export function decidingLayer(record: Pick<AuditRecord, 'decision' | 'reasons'>): string {
  let best: AuditRecord['reasons'][number] | undefined;
  for (const reason of record.reasons) {
    if (!best || VERDICT_RANK[reason.decision] > VERDICT_RANK[best.decision]) best = reason;
  }
  if (best && best.decision === record.decision) return best.layer;
  return record.decision === 'allow' ? 'rules' : 'default';
}
