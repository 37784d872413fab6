// `mcp-warden audit`: the audit log as a table or filtered JSONL, once or following the file as the
// gateway appends to it. Lines that do not parse are reported on stderr with their line number.
import { existsSync } from 'node:fs';
import { WardenError } from '../errors.js';
import type { Verdict } from '../policy/types.js';
import { compileFilter, followFile, parseAuditLines, parseSince, type AuditFilter } from '../audit/read.js';
import { columnWidths, tableHeader, tableRow } from '../audit/table.js';
import { printable } from '../audit/describe.js';
import { parse } from './args.js';
import { auditLogPath, readLog } from './audit-path.js';
import type { Io } from './io.js';

export const AUDIT_USAGE = `Usage: mcp-warden audit [--file F | --config F] [--follow] [--agent NAME] [--tool GLOB]
                        [--decision allow|ask|deny] [--since TIME] [--json]

Prints the audit log (--file, else audit.path of the config) as a table, or with --json as JSONL.
  --follow          keep printing records as they are appended (waits for the file); Ctrl-C stops
  --agent NAME      only this agent's records
  --tool GLOB       only tools matching GLOB over server/tool, e.g. "fs/*" or "*/delete*"
  --decision D      only records with this decision
  --since TIME      an ISO time, or a duration back from now: 30s, 10m, 2h, 1d
Lines that are not audit records are reported on stderr with their line number (exit code 1).`;

export interface AuditOptions {
  file?: string;
  config?: string;
  follow: boolean;
  json: boolean;
  filter: AuditFilter;
  /** Stops --follow (the CLI aborts it on SIGINT). */
  signal?: AbortSignal;
}

/** The CLI entry: parses the flags, then runs `showAudit`. */
export async function runAudit(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string' },
    file: { type: 'string' },
    follow: { type: 'boolean', short: 'f' },
    agent: { type: 'string' },
    tool: { type: 'string' },
    decision: { type: 'string' },
    since: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(AUDIT_USAGE);
    return 0;
  }
  const filter: AuditFilter = {
    ...(values.agent !== undefined ? { agent: values.agent } : {}),
    ...(values.tool !== undefined ? { tool: values.tool } : {}),
    ...(values.decision !== undefined ? { decision: parseDecision(values.decision) } : {}),
    ...(values.since !== undefined ? { since: parseSince(values.since, new Date()) } : {}),
  };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await showAudit(
      { ...(values.file !== undefined ? { file: values.file } : {}), ...(values.config !== undefined ? { config: values.config } : {}), follow: values.follow ?? false, json: values.json ?? false, filter, signal: controller.signal },
      io,
    );
  } finally {
    process.off('SIGINT', stop);
  }
}

function parseDecision(value: string): Verdict {
  if (value === 'allow' || value === 'ask' || value === 'deny') return value;
  throw new WardenError('BAD_INPUT', `Invalid --decision "${value}": use allow, ask or deny`);
}

/** Prints the log per `options`; resolves to the exit code: 1 when a line did not parse. */
export async function showAudit(options: AuditOptions, io: Io): Promise<number> {
  const path = await auditLogPath(io, options);
  const keep = compileFilter(options.filter);
  let badLines = 0;
  let widths: number[] | undefined;
  const print = (text: string, firstLine: number) => {
    const { records, bad } = parseAuditLines(text, firstLine);
    for (const line of bad) io.err(`mcp-warden: ${path}:${line.line}: ${printable(line.message)}`);
    badLines += bad.length;
    const kept = records.filter(keep);
    if (options.json) {
      for (const record of kept) io.out(JSON.stringify(record));
      return;
    }
    if (!widths) {
      widths = columnWidths(kept);
      io.out(tableHeader(widths));
    }
    for (const record of kept) io.out(tableRow(record, widths));
  };

  if (options.follow) {
    const signal = options.signal ?? new AbortController().signal;
    if (!existsSync(path)) io.err(`mcp-warden: waiting for "${path}" to be created`);
    await followFile(path, print, { signal });
    return badLines > 0 ? 1 : 0;
  }
  print(readLog(path), 1);
  return badLines > 0 ? 1 : 0;
}
