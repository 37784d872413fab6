// Which audit log `audit` and `report` read (`--file`, else the config's `audit.path`), and reading it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WardenError } from '../errors.js';
import { loadConfig } from '../config/index.js';
import type { Io } from './io.js';

/** `file` resolved against the working directory, else `audit.path` of the config (`--config`, $MCP_WARDEN_CONFIG, ./gateway.yaml). */
export async function auditLogPath(io: Io, flags: { file?: string | undefined; config?: string | undefined }): Promise<string> {
  if (flags.file !== undefined && flags.file !== '') return resolve(io.cwd, flags.file);
  const config = await loadConfig({ ...(flags.config ? { file: flags.config } : {}), env: io.env, cwd: io.cwd });
  return config.audit.path;
}

/** The whole log; a missing file is an error that says where the path came from. */
export function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new WardenError('BAD_INPUT', `Audit log "${path}" does not exist: pass --file, or check audit.path and that the environment has audit: true`, { cause: error });
    }
    throw new WardenError('BAD_INPUT', `Cannot read audit log "${path}": ${(error as Error).message}`, { cause: error });
  }
}
