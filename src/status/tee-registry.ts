// Two registries written as one: a replica on the PostgreSQL store keeps its full entry in the local
// state directory (upstream states for `status` on its own host) and its sessions in the store (for
// `status --config` anywhere). Reads come from the first.
import type { GatewayEntry } from './gateway-entry.js';
import type { GatewayRegistry } from './gateway-registry.js';

export class TeeGatewayRegistry implements GatewayRegistry {
  readonly #first: GatewayRegistry;
  readonly #second: GatewayRegistry;

  constructor(first: GatewayRegistry, second: GatewayRegistry) {
    this.#first = first;
    this.#second = second;
  }

  /** Writes both; one failing does not keep the other from being written (the first failure is thrown). */
  async publish(entry: GatewayEntry): Promise<void> {
    await settleBoth([this.#first.publish(entry), this.#second.publish(entry)]);
  }

  async withdraw(pid: number): Promise<void> {
    await settleBoth([this.#first.withdraw(pid), this.#second.withdraw(pid)]);
  }

  live(): Promise<GatewayEntry[]> {
    return this.#first.live();
  }
}

async function settleBoth(writes: Array<Promise<void>>): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
