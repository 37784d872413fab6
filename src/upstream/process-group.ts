// Signals and liveness checks for a child's whole process group. Children are spawned with
// `detached: true`, so each leads its own group and its pid is the group id its children inherit:
// one signal to `-pgid` reaches an `npx` or `sh -c` server's grandchildren too.
import { readdirSync, readFileSync } from 'node:fs';

/** Sends `signal` to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM: the id was reused by a group that is not ours; for us the group is gone.
    if (isErrnoException(error) && (error.code === 'ESRCH' || error.code === 'EPERM')) return false;
    throw error;
  }
}

/**
 * True while a member of the group is still running. On Linux this reads /proc and ignores
 * zombies: orphans wait there until an init that may be slow to reap them, or never does (on the
 * machine this was written on, pid 1 reaps nothing), and a zombie runs no code, so waiting for it
 * would only delay close().
 */
export function isGroupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  const members = linuxGroupStates(pgid);
  return members === undefined ? true : members.some((state) => state !== 'Z' && state !== 'X');
}

/** Polls until the group has no running member or `timeoutMs` passes; true when it is gone. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * Ends whatever still runs in a group: SIGTERM, then SIGKILL if anything is left after `graceMs`.
 * Resolves true once nothing of it runs (false only if even SIGKILL left a member running after 2 s).
 */
export async function endGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!isGroupAlive(pgid)) return true;
  signalGroup(pgid, 'SIGTERM');
  if (await waitGroupGone(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitGroupGone(pgid, 2000);
}

/** The states (R, S, Z, ...) of the group's members, or undefined where /proc is not available. */
function linuxGroupStates(pgid: number): string[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const states: string[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // The command name may contain spaces and parentheses; the fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) states.push(fields[0] ?? '');
  }
  return states;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
