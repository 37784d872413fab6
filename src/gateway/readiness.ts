// Whether this gateway should be sent traffic (`/readyz`): a list of named checks, each answering
// ok or not with a short detail, plus where the running config stands. Other parts plug their own
// check in (the PostgreSQL store: reachable or not) without this file knowing them.
import type { ConfigState } from '../config/holder.js';

/** One thing the gateway needs in order to serve. `detail` is shown to anyone who can reach the port: no secrets. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface ReadinessReport {
  /** True when every check is ok. */
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; detail?: string }>;
  config?: { generation: number; loadedAt: string; stale: boolean; error?: string };
}

export interface ReadinessOptions {
  /** Where the running config stands, when it can be reloaded. */
  config?: () => ConfigState;
  /** A check that has not answered by then counts as failed. Default 2 s. */
  timeoutMs?: number;
}

export class Readiness {
  readonly #checks: ReadinessCheck[];
  readonly #options: ReadinessOptions;

  constructor(checks: readonly ReadinessCheck[], options: ReadinessOptions = {}) {
    this.#checks = [...checks];
    this.#options = options;
  }

  /** Adds a check (the store's, once it is wired); checks run in the order added. */
  add(check: ReadinessCheck): void {
    this.#checks.push(check);
  }

  /** Runs every check at once; never throws (a check that throws or hangs is a failed one). */
  async report(): Promise<ReadinessReport> {
    const timeoutMs = this.#options.timeoutMs ?? 2_000;
    const checks = await Promise.all(this.#checks.map((check) => runCheck(check, timeoutMs)));
    const state = this.#options.config?.();
    return {
      ready: checks.every((check) => check.ok),
      checks,
      ...(state
        ? {
            config: {
              generation: state.generation,
              loadedAt: new Date(state.loadedAt).toISOString(),
              stale: state.stale,
              ...(state.stale && state.lastErrorWhere ? { error: `last reload failed at ${state.lastErrorWhere.join(', ')}; the full error is in the gateway's log` } : {}),
            },
          }
        : {}),
    };
  }
}

/**
 * The config check: always ok while a config runs, since a stale config is the last good one and
 * still serving (taking every replica out of service over a typo would be an outage); the detail
 * says it is stale, and the metric and `status` say so too.
 */
export function configCheck(state: () => ConfigState): ReadinessCheck {
  return {
    name: 'config',
    check() {
      const current = state();
      const detail = current.stale
        ? `stale: generation ${current.generation} is serving; the last reload failed`
        : `generation ${current.generation} loaded ${new Date(current.loadedAt).toISOString()}`;
      return Promise.resolve({ ok: true, detail });
    },
  };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<{ name: string; ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: boolean; detail?: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const result = await Promise.race([check.check(), timeout]);
    return { name: check.name, ok: result.ok === true, ...(result.detail ? { detail: result.detail } : {}) };
  } catch (error) {
    // The error's text may hold a connection string; its code or class tells the operator where to look.
    const code = (error as { code?: unknown }).code;
    return { name: check.name, ok: false, detail: `check failed (${typeof code === 'string' ? code : error instanceof Error ? error.name : 'error'})` };
  } finally {
    clearTimeout(timer);
  }
}
