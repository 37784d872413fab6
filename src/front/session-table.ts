// The HTTP front's session table: which agent holds which session, the per-agent cap, and which
// session may be closed to make room for a new one. "Nothing in flight right now" is no proof that a
// session is unused (a client between two calls has nothing in flight), so only a session nobody
// has used for a whole quiet period may be evicted; otherwise the newcomer waits. Closing lives here
// too (one session, the idle ones, all of them), through a hook, so all of it is testable without sockets.

export interface SessionTableOptions<T> {
  /** Sessions one agent may hold at once, those being opened included. */
  maxPerAgent: number;
  /** A session may be evicted only once no request or stream has used it for this long. */
  evictAfterMs: number;
  /** Use the table does not see (a call still running after its client hung up); never evicted then. */
  busy?: (value: T) => boolean;
  /**
   * Closes a session that has left the table through `close`, `closeStale` or `closeAll`. Must not
   * reject: there is nobody to tell (log inside). An evicted session is closed by whoever admitted.
   */
  close?: (value: T, id: string) => Promise<void>;
}

/** The answer to a request for room: admitted (maybe at the cost of `evicted`), or when to try again. */
export type Admission<T> = { admitted: true; evicted?: { id: string; value: T } } | { admitted: false; retryAfterMs: number };

interface Row<T> {
  agent: string;
  value: T;
  /** Requests and streams open right now. */
  uses: number;
  /** When a request or stream last began or ended. */
  lastActive: number;
}

export class SessionTable<T> {
  readonly #rows = new Map<string, Row<T>>();
  /** Admitted sessions still being opened, per agent: they count against the cap. */
  readonly #opening = new Map<string, number>();
  readonly #options: SessionTableOptions<T>;

  constructor(options: SessionTableOptions<T>) {
    this.#options = options;
  }

  get size(): number {
    return this.#rows.size;
  }

  /** The session `id` if `agent` holds it; another agent's session is as unknown as none. */
  get(id: string, agent: string): T | undefined {
    const row = this.#rows.get(id);
    return row && row.agent === agent ? row.value : undefined;
  }

  ids(): string[] {
    return [...this.#rows.keys()];
  }

  /** The sessions held by agents `agent` says yes to. */
  idsOf(agent: (name: string) => boolean): string[] {
    return [...this.#rows].filter(([, row]) => agent(row.agent)).map(([id]) => id);
  }

  /**
   * Reserves room for one more session of `agent`. Below the cap it is simply granted; at the cap the
   * agent's session quiet longest is taken out of the table (the caller closes it) if it has been
   * quiet for `evictAfterMs`; else nothing changes and the answer says when one will have been.
   * Check and reservation are one step, so concurrent initializes cannot all pass. Follow an
   * admission with `add` or `release`.
   */
  admit(agent: string, now: number): Admission<T> {
    const own = [...this.#rows].filter(([, row]) => row.agent === agent);
    const opening = this.#opening.get(agent) ?? 0;
    if (own.length + opening < this.#options.maxPerAgent) {
      this.#opening.set(agent, opening + 1);
      return { admitted: true };
    }
    const quiet = own.filter(([, row]) => !this.#inUse(row)).sort((a, b) => a[1].lastActive - b[1].lastActive);
    const oldest = quiet[0];
    if (oldest && now - oldest[1].lastActive >= this.#options.evictAfterMs) {
      this.#rows.delete(oldest[0]);
      this.#opening.set(agent, opening + 1);
      return { admitted: true, evicted: { id: oldest[0], value: oldest[1].value } };
    }
    // With none quiet now, one that goes quiet this instant is the soonest possible.
    const retryAfterMs = oldest ? oldest[1].lastActive + this.#options.evictAfterMs - now : this.#options.evictAfterMs;
    return { admitted: false, retryAfterMs };
  }

  /** Gives back an admission whose session failed to open. */
  release(agent: string): void {
    const left = (this.#opening.get(agent) ?? 1) - 1;
    if (left > 0) this.#opening.set(agent, left);
    else this.#opening.delete(agent);
  }

  /** Adds the session an admission was for (and ends that admission). */
  add(id: string, agent: string, value: T, now: number): void {
    this.release(agent);
    this.#rows.set(id, { agent, value, uses: 0, lastActive: now });
  }

  /** Removes `id`; returns its value if it was there. */
  delete(id: string): T | undefined {
    const row = this.#rows.get(id);
    this.#rows.delete(id);
    return row?.value;
  }

  /** A request or stream of `id` began; call `end` when it closes. Returns the session, if it is there. */
  begin(id: string, now: number): T | undefined {
    const row = this.#rows.get(id);
    if (!row) return undefined;
    row.uses += 1;
    row.lastActive = now;
    return row.value;
  }

  end(id: string, now: number): void {
    const row = this.#rows.get(id);
    if (!row) return;
    row.uses = Math.max(0, row.uses - 1);
    row.lastActive = now;
  }

  /** Session `id` was used at `now` in a way the table does not count (a call ended after its client left). */
  touch(id: string, now: number): void {
    const row = this.#rows.get(id);
    if (row) row.lastActive = now;
  }

  /** Sessions not in use and quiet for longer than `idleMs`: the ones nobody will come back to. */
  stale(now: number, idleMs: number): string[] {
    return [...this.#rows].filter(([, row]) => now - row.lastActive > idleMs && !this.#inUse(row)).map(([id]) => id);
  }

  /** Removes session `id` and closes it; resolves once it is closed. Nothing happens if it is gone. */
  async close(id: string): Promise<void> {
    const row = this.#rows.get(id);
    if (!row) return;
    this.#rows.delete(id);
    await this.#options.close?.(row.value, id);
  }

  /** Closes every session `stale` names; resolves once all are closed. */
  async closeStale(now: number, idleMs: number): Promise<void> {
    await Promise.allSettled(this.stale(now, idleMs).map((id) => this.close(id)));
  }

  /** Closes every session (the front is shutting down); resolves once all are closed. */
  async closeAll(): Promise<void> {
    await Promise.allSettled(this.ids().map((id) => this.close(id)));
  }

  #inUse(row: Row<T>): boolean {
    return row.uses > 0 || (this.#options.busy?.(row.value) ?? false);
  }
}
