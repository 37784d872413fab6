// One connection pool to the PostgreSQL store, shared by the ticket store, the audit sink and the
// console token of a gateway. It never lets a database outage crash the process: the pool's `error`
// events are caught, every query failure is a STORE_UNAVAILABLE error with the reason, and after a
// connection failure queries fail fast for a growing pause (backoff) instead of each one waiting on
// a dead server; the first query after the pause tries the database again.
import pg from 'pg';
import { WardenError } from '../../errors.js';
import { migrate } from './migrations.js';

export interface PostgresConnectionOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** Most connections this gateway opens (default 10). */
  poolSize?: number;
  /** Where problems are told to the operator. */
  log?: (message: string) => void;
  /** Give up connecting after this (default 5 s). */
  connectTimeoutMs?: number;
  /** Give up on a query after this (default 10 s). */
  queryTimeoutMs?: number;
  /** Shortest and longest pause after a connection failure (default 100 ms and 5 s). */
  backoffMs?: { min: number; max: number };
  /**
   * Told of each failure: `unreachable` (the database refused, dropped or timed out a connection),
   * `refused` (a query not tried because the database is in its backoff pause), `query` (a statement
   * the database rejected). Must not throw.
   */
  onError?: (kind: 'unreachable' | 'refused' | 'query') => void;
}

/** What a readiness probe reports. */
export interface StoreReadiness {
  ok: boolean;
  detail: string;
}

/** SQLSTATE classes that mean the server cannot be used now: connection exception, operator intervention, insufficient resources. */
const UNAVAILABLE_STATES = /^(08|57P|53)/;

/** A pool plus what it has learnt about the database's health. */
export class PostgresConnection {
  readonly pool: pg.Pool;
  /** For connections of their own (LISTEN); never printed, it may hold a password. */
  readonly url: string;
  readonly #options: PostgresConnectionOptions;
  readonly #log: (message: string) => void;
  #schema: Promise<void> | undefined;
  #pauseMs: number;
  #downUntil = 0;
  #lastFailure: string | undefined;
  #lastSuccess = 0;
  #closed = false;

  constructor(options: PostgresConnectionOptions) {
    this.#options = options;
    this.url = options.url;
    this.#log = options.log ?? (() => {});
    this.#pauseMs = options.backoffMs?.min ?? 100;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      query_timeout: options.queryTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'mcp-warden',
    });
    // An idle connection the server closes (restart, failover, network) is reported here; unhandled,
    // the 'error' event would end the process. The next query opens a fresh connection.
    this.pool.on('error', (error) => this.#failed(error));
  }

  /** Runs one statement once the schema is in place; throws STORE_UNAVAILABLE with the reason. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    await this.ensureSchema();
    return this.#run(() => this.pool.query<R>(text, values));
  }

  /** Creates or upgrades the schema (once per process, again after a failure). */
  ensureSchema(): Promise<void> {
    this.#schema ??= this.#run(async () => {
      const client = await this.pool.connect();
      try {
        const applied = await migrate(client);
        if (applied.length > 0) this.#log(`PostgreSQL store: applied schema version${applied.length === 1 ? '' : 's'} ${applied.join(', ')}`);
      } finally {
        client.release();
      }
    }).catch((error: unknown) => {
      this.#schema = undefined;
      throw error;
    });
    return this.#schema;
  }

  /** Whether the database answered within the last `withinMs` and has not failed since. */
  recentlyHealthy(withinMs: number): boolean {
    return this.#lastFailure === undefined && Date.now() - this.#lastSuccess < withinMs;
  }

  /** Probes the database (schema included): what /readyz shows for the store. */
  async ready(): Promise<StoreReadiness> {
    try {
      await this.query('SELECT 1');
      return { ok: true, detail: 'PostgreSQL store reachable' };
    } catch (error) {
      return { ok: false, detail: `PostgreSQL store unreachable: ${describeStoreError(error)}` };
    }
  }

  /** Closes the pool; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.pool.end().catch(() => {});
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new WardenError('STORE_UNAVAILABLE', 'The PostgreSQL store is closed');
    if (Date.now() < this.#downUntil) {
      this.#options.onError?.('refused');
      throw new WardenError('STORE_UNAVAILABLE', `${this.#lastFailure ?? 'unreachable'} (retrying in ${this.#downUntil - Date.now()}ms)`);
    }
    try {
      const result = await work();
      this.#succeeded();
      return result;
    } catch (error) {
      if (isUnavailable(error)) {
        this.#failed(error);
        throw new WardenError('STORE_UNAVAILABLE', describeStoreError(error), { cause: error });
      }
      this.#options.onError?.('query');
      throw error;
    }
  }

  #succeeded(): void {
    if (this.#lastFailure !== undefined) this.#log('PostgreSQL store reachable again');
    this.#lastFailure = undefined;
    this.#lastSuccess = Date.now();
    this.#pauseMs = this.#options.backoffMs?.min ?? 100;
    this.#downUntil = 0;
  }

  #failed(error: unknown): void {
    this.#options.onError?.('unreachable');
    const detail = describeStoreError(error);
    if (this.#lastFailure === undefined) this.#log(`PostgreSQL store unreachable: ${detail}; calls that need it are refused until it is back`);
    this.#lastFailure = detail;
    this.#downUntil = Date.now() + this.#pauseMs;
    this.#pauseMs = Math.min(this.#pauseMs * 2, this.#options.backoffMs?.max ?? 5_000);
  }
}

/** True for failures that mean the database cannot be reached or used now (not a bad statement). */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof WardenError) return error.code === 'STORE_UNAVAILABLE';
  const code = (error as { code?: unknown } | undefined)?.code;
  // pg's own errors (connection terminated, connect timeout) and the socket's (ECONNREFUSED) have no SQLSTATE.
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return UNAVAILABLE_STATES.test(code);
}

/** The reason in one line, for the agent and the operator; never the URL (it may hold a password). */
export function describeStoreError(error: unknown): string {
  if (error instanceof WardenError) return error.message;
  if (error instanceof AggregateError && error.errors.length > 0) return describeStoreError(error.errors[0]);
  if (error instanceof Error) return error.message || (error as { code?: string }).code || error.name;
  return String(error);
}
