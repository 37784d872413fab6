// `mcp-warden` entry point: parses the command line (program.ts), runs the command, and turns our
// errors into one clear message and an exit code. Never prints a stack trace for a user's mistake.
import { formatIssues, isWardenError } from '../errors.js';
import type { Io } from './io.js';
import { processIo } from './io.js';
import { buildProgram, commanderExitCode } from './program.js';
import { describeListenError } from './listen-errors.js';

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (result) => (code = result));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    // Commander has already written its usage error (or the help, or the version) through `io`.
    const usage = commanderExitCode(error);
    if (usage !== undefined) return usage;
    io.err(describeFailure(error));
    return 1;
  }
}

/** One message for the person at the terminal; a stack only for bugs of ours. */
export function describeFailure(error: unknown): string {
  if (isWardenError(error)) {
    return error.code === 'CONFIG_INVALID' && error.issues.length > 0 ? formatIssues(error.issues) : `mcp-warden: ${error.message}`;
  }
  const listen = describeListenError(error);
  if (listen) return `mcp-warden: ${listen}`;
  return `mcp-warden: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
