// The one error family used inside mcp-warden. Only the fronts and the CLI turn these into
// JSON-RPC errors, tool results or exit codes; everything else throws or returns WardenError.

/** Every code a WardenError can carry; the front maps each one to a JSON-RPC error or an isError result. */
export type WardenErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'UNKNOWN_AGENT'
  | 'UNKNOWN_ENVIRONMENT'
  | 'BAD_INPUT'
  | 'TOOL_NOT_FOUND'
  | 'CALL_DENIED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_EXITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_ANSWER_REFUSED'
  | 'APPROVAL_EXPIRED'
  | 'APPROVAL_DENIED'
  | 'APPROVAL_ORPHANED'
  /** The shared store (PostgreSQL) cannot be reached; whatever needs it is refused. */
  | 'STORE_UNAVAILABLE'
  | 'CANCELLED'
  | 'INTERNAL';

/** One problem found in a config file, located to the character. */
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** The key path, e.g. `profiles.developer.allow[2]`. */
  path: string;
  message: string;
}

export interface WardenErrorOptions {
  cause?: unknown;
  /** Config problems, all of them, for CONFIG_INVALID. */
  issues?: ConfigIssue[];
  /** What the agent is told when `message` holds detail only the operator may see (a command, a path). */
  agentMessage?: string;
}

/** An expected failure with a stable code; `message` is written for the person who has to act on it. */
export class WardenError extends Error {
  override readonly name = 'WardenError';
  readonly code: WardenErrorCode;
  readonly issues: ConfigIssue[];
  /** The text for the agent: `message` unless the error was made with a shorter, safe one. */
  readonly agentMessage: string;

  constructor(code: WardenErrorCode, message: string, options: WardenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.agentMessage = options.agentMessage ?? message;
  }
}

/** True for errors of our family (instanceof breaks across duplicated module copies, so check the code too). */
export function isWardenError(error: unknown): error is WardenError {
  return error instanceof WardenError || (error instanceof Error && error.name === 'WardenError' && 'code' in error);
}

/** Formats config issues as `FILE:LINE:COL message`, one per line, the form editors and CI understand. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues
    .map((issue) => `${issue.file}:${issue.line}:${issue.column} ${issue.path ? `${issue.path}: ` : ''}${issue.message}`)
    .join('\n');
}
