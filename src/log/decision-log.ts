// The decision log: what the gateway decides and what happens to its upstreams, one log line each,
// worded for a person in `msg` and given as fields for machines. Argument values never appear (they
// may be secrets; the audit log keeps their redacted form and digest): only names of tools, rules,
// agents and servers.
//
// Levels: decisions, approval asks and answers, upstreams coming up and sessions are info; a
// rejected token, an upstream failing or lost and an approval channel failing are warn; upstream
// start attempts, the repeats of a failure that goes on, and upstreams stopped with their session
// are debug.
import type { Logger } from 'pino';
import { answerText, decidingReason, printable } from '../audit/describe.js';
import type { AuditRecord } from '../audit/types.js';
import type { GatewayObserver, SessionEvent, UpstreamStateEvent } from '../gateway/observer.js';
import type { Reason } from '../policy/types.js';

export interface DecisionLogOptions {
  /** The approval console's address (without its login token), named in the line of each ask. */
  consoleUrl?: () => string | undefined;
}

/** An observer that logs each decision, approval event, upstream state, session and rejected token. */
export function decisionLog(logger: Logger, options: DecisionLogOptions = {}): GatewayObserver {
  return {
    record(record) {
      if (record.event === 'approval') approvalLine(logger, record, options);
      else decisionLine(logger, record);
    },
    upstream: (event) => upstreamLine(logger, event),
    session: (event) => sessionLine(logger, event),
    authRejected(event) {
      const from = event.remote ? ` from ${event.remote}` : '';
      logger.warn({ event: 'auth_rejected', reason: event.reason, ...(event.remote ? { remote: event.remote } : {}) }, `Rejected HTTP request: ${event.reason}${from}`);
    },
  };
}

function decisionLine(logger: Logger, record: AuditRecord): void {
  const reason = decidingReason(record);
  const tool = printable(record.tool);
  const fields = {
    event: record.event,
    agent: record.agent,
    tool,
    ...(record.method ? { method: record.method } : {}),
    decision: record.decision,
    outcome: record.outcome,
    ...(reason ? { rule: reason.rule, source: reason.source, layer: reason.layer } : {}),
    ...(record.error ? { error: printable(record.error) } : {}),
    ...(record.approval ? { ticket: record.approval.ticket, answered: answerText(record) } : {}),
    duration_ms: roundMs(record.duration_ms),
    session: shortId(record.session),
    decision_id: record.decision_id,
  };
  // What happened, when the verdict alone does not say it (an allowed call that failed), and who answered an ask.
  const expected = (record.decision === 'allow' && record.outcome === 'ok') || (record.decision === 'deny' && record.outcome === 'denied');
  const happened = expected ? '' : `: ${record.outcome}`;
  const why = reason ? `rule ${ruleAt(reason)}` : record.error ? printable(record.error) : 'no rule';
  const answered = record.approval ? ` — answered by ${answerText(record)}` : '';
  logger.info(fields, `${record.decision} ${tool} (agent ${record.agent})${happened} — ${why}${answered} — ${formatMs(record.duration_ms)}`);
}

function approvalLine(logger: Logger, record: AuditRecord, options: DecisionLogOptions): void {
  const ticket = record.decision_id;
  const reason = decidingReason(record);
  const tool = printable(record.tool);
  const fields = {
    event: 'approval',
    ticket,
    agent: record.agent,
    tool,
    outcome: record.outcome,
    ...(reason ? { rule: reason.rule, source: reason.source } : {}),
    ...(record.approval
      ? { channel: record.approval.channel, ...(record.approval.by ? { by: record.approval.by } : {}), waited_ms: roundMs(record.approval.waited_ms) }
      : {}),
    ...(record.error ? { error: printable(record.error) } : {}),
    session: shortId(record.session),
  };
  const what = `ticket ${ticket} — ${tool} (agent ${record.agent})`;
  switch (record.outcome) {
    case 'asked': {
      const consoleUrl = options.consoleUrl?.();
      const where = consoleUrl ? `in the approval console (${consoleUrl}) or ` : '';
      const why = reason ? ` — rule ${ruleAt(reason)}` : '';
      logger.info(fields, `Waiting for approval: ${what}${why}; answer ${where}with "mcp-warden approvals approve ${ticket}" or "… deny ${ticket}"`);
      return;
    }
    case 'error':
      logger.warn(fields, `Approval channel failed: ${what} — ${printable(record.error ?? 'unknown error')}`);
      return;
    default: {
      const after = record.approval ? ` after ${formatMs(record.approval.waited_ms)}` : '';
      const word = record.outcome === 'cancelled' ? 'withdrawn' : record.outcome;
      logger.info(fields, `Approval ${word}: ${what} — ${answerText(record)}${after}`);
    }
  }
}

function upstreamLine(logger: Logger, event: UpstreamStateEvent): void {
  const fields = {
    event: 'upstream',
    server: event.server,
    state: event.state,
    agent: event.agent,
    session: shortId(event.session),
    ...(event.attempts !== undefined ? { attempts: event.attempts } : {}),
    ...(event.error !== undefined ? { error: printable(event.error) } : {}),
    ...(event.retryInMs !== undefined ? { retry_in_ms: event.retryInMs } : {}),
  };
  const server = `"${event.server}"`;
  switch (event.state) {
    case 'starting':
      logger.debug(fields, `Starting upstream ${server} (attempt ${event.attempts ?? 1})`);
      return;
    case 'up':
      logger.info(fields, `Upstream ${server} is up${(event.attempts ?? 1) > 1 ? ` after ${event.attempts} attempts` : ''}`);
      return;
    case 'failed': {
      const attempts = event.attempts ?? 1;
      const next = event.retryInMs !== undefined ? `next in ${formatMs(event.retryInMs)}` : 'no further attempts';
      // A server that stays down is retried every 10 s for as long as the session lasts: its failure is
      // a warning on the first attempts and then less and less often, and debug in between.
      const loud = attempts <= 3 || Number.isInteger(Math.log2(attempts));
      logger[loud ? 'warn' : 'debug'](fields, `${printable(event.error ?? `Upstream ${server} failed to start`)} (attempt ${attempts}; ${next})`);
      return;
    }
    case 'down':
      logger.warn(fields, `Upstream ${server} disconnected: ${printable(event.error ?? 'connection lost')}`);
      return;
    case 'stopped':
      logger.debug(fields, `Upstream ${server} stopped`);
  }
}

function sessionLine(logger: Logger, event: SessionEvent): void {
  logger.info({ event: 'session', state: event.type, agent: event.agent, session: shortId(event.session) }, `Session ${shortId(event.session)} ${event.type} (agent ${event.agent})`);
}

/** `deny: "fs/write*" at gateway.yaml:12:7`, as the denial text the agent gets names it. */
function ruleAt(reason: Reason): string {
  return `${reason.rule} at ${reason.source}`;
}

/** Enough of a session id to tell sessions apart in a log; the audit log has the whole id. */
function shortId(id: string): string {
  return id.slice(0, 8);
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** `0.4 ms`, `12 ms`, `3.2 s`, `45 s`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${roundMs(ms)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
