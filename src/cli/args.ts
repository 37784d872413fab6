// Argument parsing shared by the commands: node's parseArgs, strict, with our error family.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { WardenError } from '../errors.js';

export const COMMON_OPTIONS = {
  config: { type: 'string' },
  env: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Parses `args` strictly; an unknown flag or a missing value is a BAD_INPUT error naming it. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new WardenError('BAD_INPUT', (error as Error).message, { cause: error });
  }
}

/** The value of a required flag. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new WardenError('BAD_INPUT', `Missing required option "--${flag}"`);
  return value;
}
