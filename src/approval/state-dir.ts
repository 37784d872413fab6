// Where approval state lives on this machine: one directory shared by every gateway of the user, so
// that one console and one `mcp-warden approvals list` see every pending ticket.
import { chmod, mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { WardenError } from '../errors.js';

/** `stateDir`, else `$MCP_WARDEN_STATE_DIR`, else `~/.mcp-warden`; absolute. */
export function resolveStateDir(stateDir?: string): string {
  return resolve(stateDir ?? (process.env.MCP_WARDEN_STATE_DIR || join(homedir(), '.mcp-warden')));
}

/** The directory that holds approval tickets and the console token: `<state dir>/approvals`. */
export function approvalsDir(stateDir?: string): string {
  return join(resolveStateDir(stateDir), 'approvals');
}

/** Creates `dir` (mode 0700) if needed and refuses one that another user owns; tightens a loose mode we own. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new WardenError('BAD_INPUT', `Cannot create the approvals directory "${dir}": ${(error as Error).message}`, { cause: error });
  }
  const info = await stat(dir);
  if (!info.isDirectory()) throw new WardenError('BAD_INPUT', `The approvals directory "${dir}" is not a directory; remove it or set MCP_WARDEN_STATE_DIR`);
  // Anyone who can write here can answer tickets, so it must be ours alone.
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    throw new WardenError('BAD_INPUT', `The approvals directory "${dir}" belongs to another user (uid ${info.uid}); set MCP_WARDEN_STATE_DIR to a directory of your own`);
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}
