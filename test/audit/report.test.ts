import { expect, test } from 'vitest';
import { renderReport } from '../../src/audit/report.js';
import { columnWidths, tableHeader, tableRow } from '../../src/audit/table.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { reason, record } from './records.js';

// One of each thing a log holds: an allowed call, a policy denial, an unknown tool, an approved ask
// (with who answered), an ask no human could answer, an expired ask, an approval event.
const LOG: AuditRecord[] = [
  record('00:01'),
  record('00:02', { agent: 'ci', tool: 'fs/delete_file', decision: 'deny', outcome: 'denied', reasons: [reason('allow', 'allow: "fs/*"'), reason('deny', 'deny: "*/delete*"', 'gateway.yaml:14:12')] }),
  record('00:03', { agent: 'ci', tool: 'fs_bogus|x', decision: 'deny', outcome: 'denied', reasons: [], error: 'unknown tool' }),
  record('00:04', { tool: 'shell/run', decision: 'ask', outcome: 'ok', reasons: [reason('allow', 'allow: "shell/*"'), reason('ask', 'approval: dangerous', 'built-in profile "developer"', 'approval')], approval: { ticket: 't1', channel: 'console', by: 'alice', waited_ms: 5200 } }),
  record('00:05', { tool: 'github/merge_pull_request', decision: 'deny', outcome: 'denied', reasons: [reason('ask', 'ask: "github/merge_*"', 'gateway.yaml:20:9')], approval: { ticket: 't2', channel: 'non-interactive', waited_ms: 1 } }),
  record('00:06', { tool: 'github/merge_pull_request', decision: 'deny', outcome: 'denied', reasons: [reason('ask', 'ask: "github/merge_*"', 'gateway.yaml:20:9')], approval: { ticket: 't3', channel: 'timeout', waited_ms: 120000 } }),
  record('00:06', { event: 'approval', tool: 'github/merge_pull_request', decision: 'deny', outcome: 'expired', reasons: [reason('ask', 'ask: "github/merge_*"', 'gateway.yaml:20:9')], approval: { ticket: 't3', channel: 'timeout', waited_ms: 120000 } }),
];

test('table: one aligned row per record, the deciding rule with its source, who answered an ask', () => {
  const widths = columnWidths(LOG);
  expect([tableHeader(widths), ...LOG.map((r) => tableRow(r, widths))].join('\n')).toMatchInlineSnapshot(`
    "TIME (UTC)           AGENT        TOOL                       DECISION  OUTCOME                           RULE
    2026-01-31 09:00:01  claude-code  fs/read_file               allow     ok                                allow: "fs/read*" (gateway.yaml:9:5)
    2026-01-31 09:00:02  ci           fs/delete_file             deny      denied                            deny: "*/delete*" (gateway.yaml:14:12)
    2026-01-31 09:00:03  ci           fs_bogus|x                 deny      denied                            unknown tool
    2026-01-31 09:00:04  claude-code  shell/run                  ask       ok: alice via console             approval: dangerous (built-in profile "developer")
    2026-01-31 09:00:05  claude-code  github/merge_pull_request  deny      denied: nobody (non-interactive)  ask: "github/merge_*" (gateway.yaml:20:9)
    2026-01-31 09:00:06  claude-code  github/merge_pull_request  deny      denied: nobody (timeout)          ask: "github/merge_*" (gateway.yaml:20:9)
    2026-01-31 09:00:06  claude-code  github/merge_pull_request  deny      ticket expired: nobody (timeout)  ask: "github/merge_*" (gateway.yaml:20:9)"
  `);
});

test('table: a row wider than the widths chosen earlier (while following) overflows rather than being cut', () => {
  const widths = columnWidths([]);
  expect(tableRow(record('00:01', { agent: 'an-agent-with-a-long-name' }), widths)).toMatchInlineSnapshot(`"2026-01-31 09:00:01  an-agent-with-a-long-name  fs/read_file      allow     ok        allow: "fs/read*" (gateway.yaml:9:5)"`);
});

test('table: control characters in a name an agent chose are shown escaped, not sent to the terminal', () => {
  const row = tableRow(record('00:01', { tool: 'x\u001b[2J\u202eevil\nline', decision: 'deny', reasons: [], error: 'unknown tool' }), columnWidths([]));
  expect(row).toBe('2026-01-31 09:00:01  claude-code  x\\u001b[2J\\u202eevil\\u000aline  deny      ok        unknown tool');
});

test('report: counts by decision and by agent, every denial and ask with rule, source and answer', () => {
  expect(renderReport({ source: 'audit.jsonl', records: LOG, bad: [] })).toMatchInlineSnapshot(`
    "## mcp-warden audit report

    \`audit.jsonl\`: 6 decisions by 2 agents, 2026-01-31 09:00:01 to 2026-01-31 09:00:06 UTC.

    | decision | count |
    |---|---:|
    | allow | 1 |
    | ask | 3 |
    | deny | 2 |

    ### By agent

    | agent | allow | ask | deny |
    |---|---:|---:|---:|
    | \`ci\` | 0 | 0 | 2 |
    | \`claude-code\` | 1 | 3 | 0 |

    ### Denials (2)

    | time | agent | tool | rule | source | detail |
    |---|---|---|---|---|---|
    | 2026-01-31 09:00:02 | \`ci\` | \`fs/delete_file\` | \`deny: "*/delete*"\` | gateway.yaml:14:12 |  |
    | 2026-01-31 09:00:03 | \`ci\` | \`fs_bogus\\|x\` | - | - | unknown tool |

    ### Asks (3)

    | time | agent | tool | rule | source | result | answered by |
    |---|---|---|---|---|---|---|
    | 2026-01-31 09:00:04 | \`claude-code\` | \`shell/run\` | \`approval: dangerous\` | built-in profile "developer" | approved | alice via console |
    | 2026-01-31 09:00:05 | \`claude-code\` | \`github/merge_pull_request\` | \`ask: "github/merge_*"\` | gateway.yaml:20:9 | denied: no human (non-interactive) | nobody (non-interactive) |
    | 2026-01-31 09:00:06 | \`claude-code\` | \`github/merge_pull_request\` | \`ask: "github/merge_*"\` | gateway.yaml:20:9 | expired | nobody (timeout) |
    "
  `);
});

test('report: an empty log says so, and unreadable lines are listed', () => {
  expect(renderReport({ source: 'audit.jsonl', records: [], bad: [{ line: 3, message: 'not a JSON object' }] })).toMatchInlineSnapshot(`
    "## mcp-warden audit report

    \`audit.jsonl\`: no decisions recorded.

    ### Unreadable lines (1)

    - line 3: not a JSON object
    "
  `);
});

test('report: markup in names an agent chose stays inert: one line, pipes escaped, in code spans', () => {
  const hostile = record('00:01', { tool: 'x`|<b>\nnew line', decision: 'deny', outcome: 'denied', reasons: [], error: 'unknown tool |' });
  const lines = renderReport({ source: 'audit.jsonl', records: [hostile], bad: [] }).split('\n');
  expect(lines.filter((line) => line.includes('unknown tool'))).toEqual(['| 2026-01-31 09:00:01 | `claude-code` | `` x`\\|<b> new line `` | - | - | unknown tool \\| |']);
});

test('report: pin and scan records are not decisions; they get their own table with what was flagged and the response', () => {
  const text = renderReport({
    source: 'audit.jsonl',
    records: [
      record('00:01'),
      record('00:02', { event: 'pin', tool: 'drift/echo', decision: 'deny', outcome: 'flagged', reasons: [reason('deny', 'pinning: deny', 'gateway.yaml:15:18', 'pinning')], pin: { kind: 'tool', state: 'changed', fields: ['description'], digest: 'sha256:b', pinned_digest: 'sha256:a', source: 'state /s' } }),
      record('00:03', { event: 'scan', tool: 'drift/add', decision: 'allow', outcome: 'flagged', reasons: [reason('allow', 'scanning: warn', 'default', 'scanning')], finding: { rule: 'hidden-unicode', field: 'description', message: 'Invisible characters' } }),
    ],
    bad: [],
  });
  expect(text).toContain('`audit.jsonl`: 1 decision by 1 agent');
  expect(text).toContain(
    [
      '### Tool definitions changed or flagged (2)',
      '',
      '| time | agent | tool | what | response | rule | source |',
      '|---|---|---|---|---|---|---|',
      '| 2026-01-31 09:00:02 | `claude-code` | `drift/echo` | pin changed (description) | deny | `pinning: deny` | gateway.yaml:15:18 |',
      '| 2026-01-31 09:00:03 | `claude-code` | `drift/add` | scan finding hidden-unicode in description | warn | `scanning: warn` | default |',
    ].join('\n'),
  );
});
