// Shared helpers for config tests: parse YAML text written inline, and catch the error it throws.
import { parseConfig } from '../../src/config/index.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { isWardenError, type WardenError } from '../../src/errors.js';

export const CWD = '/project';

/** Strips the indentation common to every line, so configs can be written indented inside tests. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

export function load(yaml: string, env: Record<string, string> = {}): ResolvedConfig {
  return parseConfig(dedent(yaml), { file: `${CWD}/gateway.yaml`, cwd: CWD, env });
}

/** The error a config fails with; fails the test when it loads. */
export function failure(yaml: string, env: Record<string, string> = {}): WardenError {
  try {
    load(yaml, env);
  } catch (error) {
    if (isWardenError(error)) return error;
    throw error;
  }
  throw new Error('Expected the config to be rejected, but it loaded');
}

/** The formatted `FILE:LINE:COL path: message` lines a config fails with. */
export function errors(yaml: string, env: Record<string, string> = {}): string {
  return failure(yaml, env).message;
}

export const AGENT = `
servers:
  fs: { command: node }
agents:
  a: { extends: [developer] }
`;
