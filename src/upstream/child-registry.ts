// The process groups of the stdio upstreams one gateway started and that still run. The CLI owns one
// and reaches them from signal and 'exit' handlers, where no graceful close can run: whoever signals
// a gateway may SIGKILL it milliseconds later (Claude Code: SIGINT, SIGTERM, then SIGKILL).
import { signalGroup } from './process-group.js';

/** Live upstream process groups, for signalling them all synchronously. */
export class ChildRegistry {
  readonly #groups = new Set<number>();

  /** Records a child spawned with `detached: true`; its pid is also its process group id. */
  add(pgid: number): void {
    this.#groups.add(pgid);
  }

  /** Forgets a group once nothing of it runs. */
  delete(pgid: number): void {
    this.#groups.delete(pgid);
  }

  /** How many groups are recorded as alive. */
  get size(): number {
    return this.#groups.size;
  }

  /**
   * Sends `signal` to every group at once and keeps them recorded, so that a later killAll() can still
   * SIGKILL what ignored it. Returns how many groups were signalled.
   */
  signalAll(signal: NodeJS.Signals): number {
    let signalled = 0;
    for (const pgid of this.#groups) if (signalGroup(pgid, signal)) signalled += 1;
    return signalled;
  }

  /** SIGKILLs every group and forgets them all: the last resort of an 'exit' handler. Returns how many were signalled. */
  killAll(): number {
    const signalled = this.signalAll('SIGKILL');
    this.#groups.clear();
    return signalled;
  }
}
