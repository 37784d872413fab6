// When an upstream may be started again after it crashed or failed to start: at once the first
// time, then after 250 ms, 500 ms, 1 s … up to a cap, and from scratch once it has run stably.

export interface BackoffOptions {
  /** Delay before the second attempt in a row; doubles for each one after. Default 250 ms. */
  initialMs?: number;
  /** The longest delay. Default 10 s. */
  maxMs?: number;
  /** A connection that lived this long before failing counts as stable and resets the delay. Default 30 s. */
  stableMs?: number;
}

export class RestartBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #stableMs: number;
  #failures = 0;
  #nextAttemptAt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 250;
    this.#maxMs = options.maxMs ?? 10_000;
    this.#stableMs = options.stableMs ?? 30_000;
  }

  /** Records a crash (of a connection made at `connectedAt`) or a failed start (no `connectedAt`). */
  recordFailure(now: number, connectedAt?: number): void {
    if (connectedAt !== undefined && now - connectedAt >= this.#stableMs) this.#failures = 0;
    this.#failures += 1;
    this.#nextAttemptAt = now + this.delayFor(this.#failures);
  }

  /** Milliseconds to wait before the next attempt may start; 0 when it may start now. */
  remainingMs(now: number): number {
    return Math.max(0, this.#nextAttemptAt - now);
  }

  /** The delay after the `failures`-th failure in a row: 0, then initial, doubling, capped. */
  delayFor(failures: number): number {
    if (failures <= 1) return 0;
    return Math.min(this.#maxMs, this.#initialMs * 2 ** (failures - 2));
  }
}
