// The timer that closes sessions nobody uses any more: health checks (`claude mcp list`) open
// sessions and never end them, and each holds its own upstream processes.

/** What the sweep needs of the session table. */
export interface IdleSessions {
  closeStale(now: number, idleMs: number): Promise<void>;
}

/**
 * Every so often (half the idle timeout, between 1 s and 1 min) closes the sessions idle for longer
 * than `idleMs`. The timer does not keep the process alive. Returns the function that stops it.
 */
export function sweepIdleSessions(sessions: IdleSessions, idleMs: number, options: { clock?: () => number } = {}): () => void {
  const clock = options.clock ?? Date.now;
  const timer = setInterval(() => {
    // closeStale settles every close on its own and never rejects.
    void sessions.closeStale(clock(), idleMs);
  }, sweepIntervalMs(idleMs));
  timer.unref();
  return () => clearInterval(timer);
}

/** How often the sweep runs for an idle timeout of `idleMs`. */
export function sweepIntervalMs(idleMs: number): number {
  return Math.max(1_000, Math.min(idleMs / 2, 60_000));
}
