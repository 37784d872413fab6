// Starting a session's upstreams and keeping at it. Each server's first start runs in the background,
// so the agent's initialize never waits long for it; a server whose start fails is tried again on the
// restart backoff (at once, then 250 ms, 500 ms, 1 s … up to 10 s) until it is up or the session closes.
import { isWardenError, WardenError } from '../errors.js';
import { RestartBackoff } from '../upstream/restart-backoff.js';
import { sleep } from '../upstream/deadline.js';

/** Where one server's start stands. `error` is the last failed attempt's; `retryAt` when the next begins (epoch ms). */
export type StartState =
  | { state: 'idle' }
  | { state: 'starting'; attempts: number; error?: WardenError }
  | { state: 'up' }
  | { state: 'down'; attempts: number; error: WardenError; retryAt: number };

export interface UpstreamStartsOptions {
  /** Starts `server` and reads what the session needs of it (its tools); rejects when it cannot. */
  bringUp(server: string): Promise<void>;
  /** How long the upstream's own restart backoff still holds off a new attempt. */
  retryInMs(server: string): number;
  /** A server came up; `attempts` is 1 when its first start worked. */
  onUp(server: string, attempts: number): void;
  /** An attempt failed; the next begins in `retryInMs`. */
  onFailure(server: string, error: WardenError, attempts: number, retryInMs: number): void;
}

export class UpstreamStarts {
  readonly #options: UpstreamStartsOptions;
  readonly #states = new Map<string, StartState>();
  /** Per server, settled once its first attempt has ended, whatever the outcome. */
  readonly #firstAttempts = new Map<string, Promise<void>>();
  /** Per server, aborted when the server is forgotten (its definition changed on a config reload). */
  readonly #stops = new Map<string, AbortController>();
  readonly #shutdown = new AbortController();
  readonly #closed = new Promise<void>((resolve) => this.#shutdown.signal.addEventListener('abort', () => resolve(), { once: true }));

  constructor(options: UpstreamStartsOptions) {
    this.#options = options;
  }

  /** Begins starting `server` in the background unless that has begun already. */
  begin(server: string): void {
    if (this.#firstAttempts.has(server) || this.#shutdown.signal.aborted) return;
    let settle!: () => void;
    this.#firstAttempts.set(server, new Promise<void>((resolve) => (settle = resolve)));
    const stop = new AbortController();
    this.#stops.set(server, stop);
    void this.#keepStarting(server, settle, AbortSignal.any([this.#shutdown.signal, stop.signal]));
  }

  /**
   * Stops the attempts for `server` and forgets where it stood, so that `begin` starts afresh (its
   * connection was replaced). An attempt under way ends with the old connection's close.
   */
  forget(server: string): void {
    this.#stops.get(server)?.abort();
    this.#stops.delete(server);
    this.#states.delete(server);
    this.#firstAttempts.delete(server);
  }

  state(server: string): StartState {
    return this.#states.get(server) ?? { state: 'idle' };
  }

  /** Waits until the first attempt of each of `servers` that has begun has ended, or until `deadline` (epoch ms). */
  async firstAttempts(servers: Iterable<string>, deadline: number): Promise<void> {
    const pending = [...servers].map((server) => this.#firstAttempts.get(server)).filter((attempt) => attempt !== undefined);
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    await Promise.race([Promise.all(pending), timeout, this.#closed]).finally(() => clearTimeout(timer));
  }

  /** Stops retrying; attempts under way end with the upstreams' own close. */
  close(): void {
    this.#shutdown.abort();
  }

  async #keepStarting(server: string, settleFirst: () => void, stopped: AbortSignal): Promise<void> {
    // Our own backoff as well as the upstream's: a server that starts but cannot list its tools
    // leaves the upstream's untouched, and must not be asked again in a tight loop.
    const backoff = new RestartBackoff();
    let attempts = 0;
    let previous: WardenError | undefined;
    while (!stopped.aborted) {
      attempts += 1;
      this.#states.set(server, { state: 'starting', attempts, ...(previous ? { error: previous } : {}) });
      try {
        await this.#options.bringUp(server);
        if (stopped.aborted) break;
        this.#states.set(server, { state: 'up' });
        settleFirst();
        this.#options.onUp(server, attempts);
        return;
      } catch (error) {
        if (stopped.aborted) break;
        // Not one of ours: its text may hold paths or a stack, which are the operator's, not the agent's.
        previous = isWardenError(error)
          ? error
          : new WardenError('UPSTREAM_UNAVAILABLE', `Upstream "${server}" could not start: ${String(error)}`, { cause: error, agentMessage: `Upstream "${server}" is unavailable: it could not start` });
        backoff.recordFailure(Date.now());
        const waitMs = Math.max(backoff.remainingMs(Date.now()), this.#options.retryInMs(server));
        this.#states.set(server, { state: 'down', attempts, error: previous, retryAt: Date.now() + waitMs });
        settleFirst();
        this.#options.onFailure(server, previous, attempts, waitMs);
        await sleep(waitMs, stopped);
      }
    }
    settleFirst();
  }
}
