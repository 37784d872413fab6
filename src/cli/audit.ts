// `mcp-warden audit`: the audit log as a table or filtered JSONL, once or following the file as the
// gateway appends to it. Lines that do not parse are reported on stderr with their line number.
import { existsSync } from 'node:fs';
import { WardenError } from '../errors.js';
import type { Verdict } from '../policy/types.js';
import { compileFilter, followFile, parseAuditLines, parseSince, type AuditFilter } from '../audit/read.js';
import { columnWidths, tableHeader, tableRow } from '../audit/table.js';
import { printable } from '../audit/describe.js';
import { auditLogPath, readLog } from './audit-path.js';
import type { Io } from './io.js';

export interface AuditOptions {
  file?: string;
  config?: string;
  follow: boolean;
  json: boolean;
  filter: AuditFilter;
  /** Stops --follow (the CLI aborts it on SIGINT). */
  signal?: AbortSignal;
}

/** audit's flags as commander parsed them (src/cli/program.ts). */
export interface AuditFlags {
  config?: string;
  file?: string;
  follow?: boolean;
  agent?: string;
  tool?: string;
  decision?: string;
  since?: string;
  json?: boolean;
}

/** The CLI entry: checks the flags, then runs `showAudit`. */
export async function runAudit(values: AuditFlags, io: Io): Promise<number> {
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
