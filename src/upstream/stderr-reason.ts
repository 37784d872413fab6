// The one stderr line that says why a server died: the `Error: …` line of a Node stack trace (whose
// last line is only "Node.js v20…"), a Python traceback's exception line, a CLI's "error: …", else the
// last line that is not a stack frame, a caret, a source excerpt or a runtime banner.

/** A line naming an error: `Error: x`, `TypeError [ERR_X]: x`, `ValueError: x`, `error: x`, `panic: x`. */
const ERROR_LINE = /^(?:Uncaught\s+)?(?:[\w$.]*(?:Error|Exception)(?:\s*\[[\w-]+\])?|error|fatal(?: error)?|panic):\s*\S/i;

/** Lines that never explain anything on their own. */
const NOISE = [
  /^\s/, // stack frames ("    at …", '  File "…"'), source excerpts and carets are indented
  /^\^+$/,
  /^[{}()[\],;]+$/, // the end of an error's printed properties
  /^Node\.js v\d/,
  /^\(Use `node --trace-/,
  /^\S+:\d+(?::\d+)?$/, // where Node found an uncaught error (`file:///srv/main.js:12`), above the excerpt
  /^Traceback \(most recent call last\):$/,
];

const MAX_LENGTH = 200;

/** The line of `lines` (a process's last stderr lines) that best says what went wrong; undefined if none does. */
export function stderrReason(lines: readonly string[]): string | undefined {
  const text = lines.map((line) => line.replace(/\s+$/, '')).filter((line) => line !== '');
  const line = text.find((candidate) => ERROR_LINE.test(candidate)) ?? text.findLast((candidate) => !NOISE.some((noise) => noise.test(candidate)));
  if (line === undefined) return undefined;
  return line.length > MAX_LENGTH ? `${line.slice(0, MAX_LENGTH)}…` : line;
}
