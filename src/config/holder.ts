// The config a running gateway serves, and what became of the last attempt to replace it (hot
// reload). Pure: the loading and the file watching live with the CLI; this only holds, swaps and tells.
import type { ResolvedConfig } from './types.js';

/** Where the running config stands, as data for `/readyz`, `status` and metrics. */
export interface ConfigState {
  /** 1 for the config the gateway started with, one more for each config swapped in since. */
  generation: number;
  /** When the running config was loaded (epoch ms). */
  loadedAt: number;
  /** True when the last reload failed: the file on disk is not what runs. */
  stale: boolean;
  /** When the first of the failed reloads since the running config was loaded happened (epoch ms); absent when not stale. */
  staleSince?: number;
  /** Why the last reload failed (the located error, for the operator's log); absent when not stale. */
  lastError?: string;
  /** Where the last reload failed (`gateway.yaml:12:5 servers.echo`), safe to show to anyone who can reach the port. */
  lastErrorWhere?: string[];
  /** When the last reload was tried, successful or not (epoch ms). */
  lastAttemptAt: number;
}

/** The running config and its changes; what a session or front follows. */
export interface ConfigSource {
  current(): ResolvedConfig;
  state(): ConfigState;
  /** Calls `listener` with each config swapped in, after the swap; returns the unsubscribe. */
  onChange(listener: (config: ResolvedConfig, previous: ResolvedConfig) => void): () => void;
}

export class ConfigHolder implements ConfigSource {
  #config: ResolvedConfig;
  #state: ConfigState;
  readonly #listeners = new Set<(config: ResolvedConfig, previous: ResolvedConfig) => void>();
  readonly #stateListeners = new Set<(state: ConfigState) => void>();

  constructor(config: ResolvedConfig, now: number = Date.now()) {
    this.#config = config;
    this.#state = { generation: 1, loadedAt: now, stale: false, lastAttemptAt: now };
  }

  current(): ResolvedConfig {
    return this.#config;
  }

  state(): ConfigState {
    return { ...this.#state, ...(this.#state.lastErrorWhere ? { lastErrorWhere: [...this.#state.lastErrorWhere] } : {}) };
  }

  onChange(listener: (config: ResolvedConfig, previous: ResolvedConfig) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` with the new state after each swap and each failed reload; returns the unsubscribe. */
  onState(listener: (state: ConfigState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  #told(): void {
    for (const listener of [...this.#stateListeners]) listener(this.state());
  }

  /**
   * Swaps `config` in and tells every listener, in the order they subscribed. A listener that throws
   * does not stop the others (each session applies the change to itself); its error is returned.
   */
  replace(config: ResolvedConfig, now: number = Date.now()): unknown[] {
    const previous = this.#config;
    this.#config = config;
    this.#state = { generation: this.#state.generation + 1, loadedAt: now, stale: false, lastAttemptAt: now };
    const errors: unknown[] = [];
    for (const listener of [...this.#listeners]) {
      try {
        listener(config, previous);
      } catch (error) {
        errors.push(error);
      }
    }
    this.#told();
    return errors;
  }

  /** A reload failed: the running config stays, and is marked stale with the reason. */
  failed(error: string, where: string[], now: number = Date.now()): void {
    // Stale since the first failure of a run of them: a second bad edit does not restart the clock.
    const staleSince = this.#state.stale ? (this.#state.staleSince ?? now) : now;
    this.#state = { ...this.#state, stale: true, staleSince, lastError: error, lastErrorWhere: [...where], lastAttemptAt: now };
    this.#told();
  }
}
