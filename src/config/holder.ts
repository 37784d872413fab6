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
    return errors;
  }

  /** A reload failed: the running config stays, and is marked stale with the reason. */
  failed(error: string, where: string[], now: number = Date.now()): void {
    this.#state = { ...this.#state, stale: true, lastError: error, lastErrorWhere: [...where], lastAttemptAt: now };
  }
}
