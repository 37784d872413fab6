// Option shapes shared by the commands (commander parses them, see program.ts), with our error family.
import { WardenError } from '../errors.js';

/** `--config` and `--env`, as every command that reads the gateway config takes them. */
export interface ConfigOptions {
  config?: string;
  env?: string;
}

/** The value of a required flag. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new WardenError('BAD_INPUT', `Missing required option "--${flag}"`);
  return value;
}
