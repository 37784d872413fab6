// The process groups of every stdio upstream still alive, so the CLI can kill them all from an
// 'exit' or signal handler, where nothing asynchronous runs any more.
import { signalGroup } from './process-group.js';

const liveGroups = new Set<number>();

/** Records a child started with `detached: true`; its pid is also its process group id. */
export function registerChildGroup(pgid: number): void {
  liveGroups.add(pgid);
}

/** Forgets a group once it is known to be gone. */
export function unregisterChildGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/**
 * Kills every registered upstream process group, synchronously (SIGKILL unless told otherwise).
 * A last resort for the CLI's 'exit' and signal handlers; `close()` is the graceful path.
 * Returns how many groups it signalled.
 */
export function killAllChildrenSync(signal: NodeJS.Signals = 'SIGKILL'): number {
  let signalled = 0;
  for (const pgid of liveGroups) {
    if (signalGroup(pgid, signal)) signalled += 1;
    liveGroups.delete(pgid);
  }
  return signalled;
}

/**
 * Sends `signal` to every registered upstream process group at once, and keeps them registered so a
 * later sweep can still SIGKILL what is left. For a gateway being stopped by a signal: the parent that
 * sent it may SIGKILL us a moment later (Claude Code sends SIGINT, SIGTERM, then SIGKILL within
 * milliseconds), before the graceful close would have reached the children.
 */
export function signalAllChildrenSync(signal: NodeJS.Signals): number {
  let signalled = 0;
  for (const pgid of liveGroups) if (signalGroup(pgid, signal)) signalled += 1;
  return signalled;
}

/** How many upstream process groups are registered as alive (for tests and diagnostics). */
export function liveChildGroupCount(): number {
  return liveGroups.size;
}
