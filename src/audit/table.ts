// `mcp-warden audit`'s readable table: one row per record, columns padded to a width computed once,
// so rows printed later while following line up with the first ones (a longer value just overflows).
import { outcomeText, printable, ruleText } from './describe.js';
import type { AuditRecord } from './types.js';

const HEADERS = ['TIME (UTC)', 'AGENT', 'TOOL', 'DECISION', 'OUTCOME', 'RULE'] as const;
/** Widths before any record is seen: enough for the time and for typical names. */
const MIN_WIDTHS = [19, 8, 16, 8, 8, 0];

export type Widths = number[];

/** The cells of one row, rule last. */
function cells(record: AuditRecord): string[] {
  // Seconds are enough to read; the exact time is in --json.
  const time = record.time.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  return [time, record.agent, record.tool, record.decision, outcomeText(record), ruleText(record)].map(printable);
}


/** Column widths that fit `records` (and the headers), at least the minimums. */
export function columnWidths(records: readonly AuditRecord[]): Widths {
  const widths = HEADERS.map((header, i) => Math.max(header.length, MIN_WIDTHS[i]!));
  for (const record of records) cells(record).forEach((cell, i) => (widths[i] = Math.max(widths[i]!, cell.length)));
  return widths;
}

function line(values: readonly string[], widths: Widths): string {
  // The last column is not padded: no trailing spaces.
  return values.map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i]!))).join('  ');
}

export function tableHeader(widths: Widths): string {
  return line(HEADERS, widths);
}

export function tableRow(record: AuditRecord, widths: Widths): string {
  return line(cells(record), widths);
}
