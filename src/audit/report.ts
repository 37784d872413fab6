// `mcp-warden report`: an audit log as a Markdown summary for a CI job's page: counts by decision
// and by agent, every denial and every ask with the rule that decided it and who answered.
import type { Verdict } from '../policy/types.js';
import { answerText, decidingReason, outcomeText, wasAsked } from './describe.js';
import type { BadLine } from './read.js';
import type { AuditRecord } from './types.js';

export interface ReportInput {
  /** The log's name as the reader should see it (the path given). */
  source: string;
  records: readonly AuditRecord[];
  /** Lines that did not parse; listed so a damaged log is visible in the summary too. */
  bad: readonly BadLine[];
}

/** Rows per table: GitHub caps a step summary at 1 MiB, and the full log is the artifact. */
const MAX_ROWS = 200;
const VERDICTS: readonly Verdict[] = ['allow', 'ask', 'deny'];

/** The decision a person thinks of: a call that went to a human is an ask, whatever the answer. */
function category(record: AuditRecord): Verdict {
  return wasAsked(record) ? 'ask' : record.decision;
}

/** Records about a tool's definition (issue 13), not a decision on a request. */
const DEFINITION_EVENTS = new Set<AuditRecord['event']>(['pin', 'scan']);

/** Renders the report. Approval events are not counted: their call's own record is; pin and scan events get their own table. */
export function renderReport(input: ReportInput): string {
  const decisions = input.records.filter((record) => record.event !== 'approval' && !DEFINITION_EVENTS.has(record.event));
  const definitions = input.records.filter((record) => DEFINITION_EVENTS.has(record.event));
  const out: string[] = ['## mcp-warden audit report', ''];
  if (decisions.length === 0) {
    out.push(`${code(input.source)}: no decisions recorded.`, '');
  } else {
    const agents = [...new Set(decisions.map((record) => record.agent))].sort();
    // ISO times in UTC sort as strings; records of one batch may be written slightly out of order.
    const times = decisions.map((record) => record.time).sort();
    out.push(
      `${code(input.source)}: ${plural(decisions.length, 'decision')} by ${plural(agents.length, 'agent')}, ` +
        `${shortTime(times[0]!)} to ${shortTime(times.at(-1)!)} UTC.`,
      '',
    );
    const counts = (of: readonly AuditRecord[]) => VERDICTS.map((verdict) => String(of.filter((record) => category(record) === verdict).length));
    out.push('| decision | count |', '|---|---:|', ...VERDICTS.map((verdict, i) => `| ${verdict} | ${counts(decisions)[i]} |`), '');
    out.push('### By agent', '', '| agent | allow | ask | deny |', '|---|---:|---:|---:|');
    for (const agent of agents) out.push(`| ${code(agent)} | ${counts(decisions.filter((record) => record.agent === agent)).join(' | ')} |`);
    out.push('');
    section(
      out,
      'Denials',
      ['time', 'agent', 'tool', 'rule', 'source', 'detail'],
      decisions.filter((record) => category(record) === 'deny'),
      (record) => {
        const reason = decidingReason(record);
        return [shortTime(record.time), code(record.agent), code(record.tool), reason ? code(reason.rule) : '-', reason ? cell(reason.source) : '-', cell(record.error ?? '')];
      },
    );
    section(
      out,
      'Asks',
      ['time', 'agent', 'tool', 'rule', 'source', 'result', 'answered by'],
      decisions.filter((record) => category(record) === 'ask'),
      (record) => {
        const reason = decidingReason(record);
        return [shortTime(record.time), code(record.agent), code(record.tool), reason ? code(reason.rule) : '-', reason ? cell(reason.source) : '-', askResult(record), cell(answerText(record))];
      },
    );
  }
  section(
    out,
    'Tool definitions changed or flagged',
    ['time', 'agent', 'tool', 'what', 'response', 'rule', 'source'],
    definitions,
    (record) => {
      const reason = record.reasons[0];
      const what = outcomeText(record);
      return [shortTime(record.time), code(record.agent), code(record.tool), cell(what), record.decision === 'allow' ? 'warn' : record.decision, reason ? code(reason.rule) : '-', reason ? cell(reason.source) : '-'];
    },
  );
  if (input.bad.length > 0) {
    out.push(`### Unreadable lines (${input.bad.length})`, '');
    for (const bad of input.bad.slice(0, MAX_ROWS)) out.push(`- line ${bad.line}: ${cell(bad.message)}`);
    if (input.bad.length > MAX_ROWS) out.push(`- … and ${input.bad.length - MAX_ROWS} more`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function section(out: string[], title: string, headers: string[], records: readonly AuditRecord[], row: (record: AuditRecord) => string[]): void {
  if (records.length === 0) return;
  out.push(`### ${title} (${records.length})`, '', `| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`);
  for (const record of records.slice(0, MAX_ROWS)) out.push(`| ${row(record).join(' | ')} |`);
  if (records.length > MAX_ROWS) out.push('', `… and ${records.length - MAX_ROWS} more; the full list is in the audit log.`);
  out.push('');
}

/** What became of an ask. */
function askResult(record: AuditRecord): string {
  if (record.decision !== 'deny') return 'approved';
  if (record.outcome === 'cancelled') return 'cancelled';
  if (record.approval?.channel === 'timeout') return 'expired';
  if (record.approval?.channel === 'non-interactive') return 'denied: no human (non-interactive)';
  return 'denied';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function shortTime(time: string): string {
  return time.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/**
 * A table cell of text an agent may have chosen (an unknown tool's name, an error): one line, at
 * most 160 characters, pipes escaped, so it cannot break out of the table.
 */
function cell(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const short = flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
  return short.replaceAll('|', '\\|');
}

/** A code span, so globs and names render as written and markup in them does not render. */
function code(text: string): string {
  const inner = cell(text);
  return inner.includes('`') ? `\`\` ${inner} \`\`` : `\`${inner}\``;
}
