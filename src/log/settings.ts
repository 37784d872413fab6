// How verbose the log is and in which form, from `serve`'s flags and the environment.
import { WardenError } from '../errors.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

export interface LogFlags {
  quiet?: boolean;
  logLevel?: string;
  logFormat?: string;
}

export interface LogSettings {
  level: LogLevel;
  pretty: boolean;
}

/**
 * `--log-level`, else `--quiet` (warn), else `$MCP_WARDEN_LOG_LEVEL`, else info; `--log-format`, else
 * pretty on a terminal and JSON lines otherwise. A flag beats the environment; both levels given is an error.
 */
export function logSettings(flags: LogFlags, env: Record<string, string | undefined>, stderrIsTty: boolean): LogSettings {
  if (flags.quiet && flags.logLevel !== undefined) {
    throw new WardenError('BAD_INPUT', 'Give "--quiet" or "--log-level", not both ("--quiet" is "--log-level warn")');
  }
  const chosen = flags.logLevel ?? (flags.quiet ? 'warn' : undefined);
  const level = chosen !== undefined ? parseLevel(chosen, 'Option "--log-level"') : env.MCP_WARDEN_LOG_LEVEL ? parseLevel(env.MCP_WARDEN_LOG_LEVEL, 'MCP_WARDEN_LOG_LEVEL') : 'info';
  const format = flags.logFormat ?? (stderrIsTty ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') {
    throw new WardenError('BAD_INPUT', `Option "--log-format" must be pretty or json; got "${format}"`);
  }
  return { level, pretty: format === 'pretty' };
}

function parseLevel(value: string, where: string): LogLevel {
  const level = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new WardenError('BAD_INPUT', `${where} must be one of ${LOG_LEVELS.join(', ')}; got "${value}"`);
}
