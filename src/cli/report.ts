// `mcp-warden report`: the audit log as a Markdown summary, appended to $GITHUB_STEP_SUMMARY when
// set (a GitHub Actions job's page), else to --output or stdout. Always exit 0 for a readable log:
// a report informs, gating is the policy's job.
import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WardenError } from '../errors.js';
import { parseAuditLines } from '../audit/read.js';
import { renderReport } from '../audit/report.js';
import { printable } from '../audit/describe.js';
import { auditLogPath, readLog } from './audit-path.js';
import type { Io } from './io.js';

export interface ReportOptions {
  file?: string;
  config?: string;
  output?: string;
}

/** report's flags as commander parsed them (src/cli/program.ts). */
export interface ReportFlags {
  config?: string;
  file?: string;
  output?: string;
}

/** The CLI entry: checks the flags and the log argument, then runs `writeReport`. */
export async function runReport(values: ReportFlags, io: Io, positionals: string[]): Promise<number> {
  if (positionals.length > 1 || (positionals.length === 1 && values.file !== undefined)) {
    throw new WardenError('BAD_INPUT', 'Give one audit log: either --file F or a path');
  }
  const file = values.file ?? positionals[0];
  return writeReport({ ...(file !== undefined ? { file } : {}), ...(values.config !== undefined ? { config: values.config } : {}), ...(values.output !== undefined ? { output: values.output } : {}) }, io);
}

/** Renders the report of the log and writes it where `options` and the environment say. */
export async function writeReport(options: ReportOptions, io: Io): Promise<number> {
  const path = await auditLogPath(io, options);
  const { records, bad } = parseAuditLines(readLog(path));
  for (const line of bad) io.err(`mcp-warden: ${path}:${line.line}: ${printable(line.message)}`);
  const markdown = renderReport({ source: options.file ?? path, records, bad });
  const target = options.output ? resolve(io.cwd, options.output) : io.env.GITHUB_STEP_SUMMARY;
  if (!target) {
    io.out(markdown.trimEnd());
    return 0;
  }
  try {
    // The step summary is appended to: other steps of the job write to it too.
    if (options.output) writeFileSync(target, markdown);
    else appendFileSync(target, markdown);
  } catch (error) {
    throw new WardenError('BAD_INPUT', `Cannot write the report to "${target}": ${(error as Error).message}`, { cause: error });
  }
  io.err(`mcp-warden: report of ${records.length} records written to ${target}`);
  return 0;
}

