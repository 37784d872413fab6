// Which gateway process waits on a ticket, and whether it still does. A pid alone is not enough: after
// a crash the pid can be given to another process, which would make a dead gateway's ticket look
// answerable. On Linux the process start time (field 22 of /proc/PID/stat, in clock ticks since boot)
// is recorded beside the pid and must match too.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { TicketOwner } from './types.js';

/** The start time of process `pid` as /proc reports it, or undefined where there is no /proc. */
export function processStartOf(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[22 - 3];
}

const SELF_START = processStartOf(process.pid);

/** This gateway process, as recorded on the tickets it opens. */
export function currentOwner(): TicketOwner {
  return { pid: process.pid, host: hostname(), ...(SELF_START ? { started: SELF_START } : {}) };
}

/**
 * True when the owner is known to be gone: it ran on this machine and its pid is free, or now
 * belongs to a process that started at another time. A ticket from another host is never judged.
 */
export function ownerGone(owner: TicketOwner | undefined): boolean {
  if (!owner || owner.host !== hostname()) return false;
  if (!isAlive(owner.pid)) return true;
  if (owner.started === undefined) return false;
  const started = processStartOf(owner.pid);
  // No /proc entry although kill(0) succeeded: the process is gone by now, or /proc is not readable.
  return started !== undefined && started !== owner.started;
}

/** Whether a process with this pid runs on this machine. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
