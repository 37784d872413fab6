// The registry in memory, for unit tests: the same liveness rule as the file registry, with the
// check given in (so a test decides which gateways are "running").
import type { GatewayEntry } from './gateway-entry.js';
import type { GatewayRegistry } from './gateway-registry.js';

export class MemoryGatewayRegistry implements GatewayRegistry {
  readonly entries = new Map<number, GatewayEntry>();
  readonly #gone: (entry: GatewayEntry) => boolean;

  constructor(options: { gone?: (entry: GatewayEntry) => boolean } = {}) {
    this.#gone = options.gone ?? (() => false);
  }

  publish(entry: GatewayEntry): Promise<void> {
    // A copy, as a file would hold: later changes to the caller's object are not published.
    this.entries.set(entry.pid, structuredClone(entry));
    return Promise.resolve();
  }

  withdraw(pid: number): Promise<void> {
    this.entries.delete(pid);
    return Promise.resolve();
  }

  live(): Promise<GatewayEntry[]> {
    for (const [pid, entry] of this.entries) if (this.#gone(entry)) this.entries.delete(pid);
    return Promise.resolve([...this.entries.values()].sort((a, b) => a.startedAt - b.startedAt));
  }
}
