// Who waits for which ticket to be decided, the same in every store: each watcher is told once, and
// the store stops looking for answers (its file watch, its poll) when nobody waits any more.
import type { TicketView } from './types.js';

type Listener = (ticket: TicketView) => void;

export class TicketWatchers {
  readonly #byId = new Map<string, Set<Listener>>();
  readonly #onEmpty: () => void;

  /** `onEmpty` is called whenever the last watcher leaves. */
  constructor(onEmpty: () => void) {
    this.#onEmpty = onEmpty;
  }

  /** Watches `id`; returns the function that stops. */
  add(id: string, listener: Listener): () => void {
    let listeners = this.#byId.get(id);
    if (!listeners) this.#byId.set(id, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#byId.get(id) === listeners) this.#byId.delete(id);
      if (this.#byId.size === 0) this.#onEmpty();
    };
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The ids watched now. */
  ids(): string[] {
    return [...this.#byId.keys()];
  }

  /** Tells every watcher of `ticket` (each once, in a microtask) and forgets them. */
  notify(ticket: TicketView): void {
    const listeners = this.#byId.get(ticket.id);
    if (!listeners) return;
    this.#byId.delete(ticket.id);
    if (this.#byId.size === 0) this.#onEmpty();
    for (const listener of listeners) queueMicrotask(() => listener(ticket));
  }

  clear(): void {
    this.#byId.clear();
  }
}
