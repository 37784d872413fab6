// The HTTP front's sessions: the table (cap per agent, eviction, idle close) around the endpoints,
// admission of a new session, and counting each request and stream as use of its session.
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { InitializeRequest, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayDeps } from '../../gateway/types.js';
import { SessionTable } from '../session-table.js';
import { SessionEndpoint } from './endpoint.js';
import { HttpError } from './http-error.js';

export interface HttpSessionsOptions {
  maxPerAgent: number;
  evictAfterMs: number;
  log: (line: string) => void;
}

interface Entry {
  endpoint: SessionEndpoint;
  /** Made once per session so that counting a request's end allocates nothing per request. */
  useEnded: () => void;
}

export class HttpSessions {
  readonly #deps: GatewayDeps;
  readonly #options: HttpSessionsOptions;
  readonly #table: SessionTable<Entry>;
  #closed = false;

  constructor(deps: GatewayDeps, options: HttpSessionsOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#table = new SessionTable<Entry>({
      maxPerAgent: options.maxPerAgent,
      evictAfterMs: options.evictAfterMs,
      // A client that hung up does not end its call: the session is still at work.
      busy: (entry) => entry.endpoint.busy,
      close: (entry) => this.#closeEndpoint(entry.endpoint),
    });
  }

  /** Open sessions. */
  get size(): number {
    return this.#table.size;
  }

  /** Closes the sessions not in use and quiet for longer than `idleMs` (the idle sweep). */
  closeStale(now: number, idleMs: number): Promise<void> {
    return this.#table.closeStale(now, idleMs);
  }

  /** Session `id` if `agent` holds it; another agent's session is as unknown as none. */
  get(id: string, agent: string): SessionEndpoint | undefined {
    return this.#table.get(id, agent)?.endpoint;
  }

  /** Hands an accepted POST to its session, counting it as use until `res` closes. */
  post(endpoint: SessionEndpoint, res: ServerResponse, messages: readonly JSONRPCMessage[]): void {
    this.#track(endpoint.id, res);
    endpoint.post(res, messages);
  }

  /** Opens the GET stream of a session, counted as use while it is open. */
  openStream(endpoint: SessionEndpoint, res: ServerResponse): void {
    this.#track(endpoint.id, res);
    endpoint.openStream(res);
  }

  /**
   * Admits and opens a new session for `agent` (whose client waits on `res`); throws 429 when the
   * agent is at its cap with no session quiet long enough to make room. Undefined when the client hung
   * up (or the front closed) while the upstreams started: the session is closed at once rather than
   * left for nothing to ever close.
   */
  async open(res: ServerResponse, options: { agent: string; initialize: InitializeRequest['params'] }): Promise<SessionEndpoint | undefined> {
    const { agent, initialize } = options;
    const now = Date.now();
    const admission = this.#table.admit(agent, now);
    const max = this.#options.maxPerAgent;
    if (!admission.admitted) {
      const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
      throw new HttpError(429, `Agent "${agent}" already has ${max} sessions in use; end one (DELETE) or retry in ${seconds} s, when one may have been quiet long enough to be closed`, { headers: { 'Retry-After': String(seconds) } });
    }
    if (admission.evicted) {
      this.#options.log(`Closed session ${admission.evicted.id} of agent "${agent}", unused longest, to open a new one (at most ${max} per agent)`);
      void this.#closeEndpoint(admission.evicted.value.endpoint);
    }
    const id = randomUUID();
    let hungUp = false;
    const onHangUp = (): void => {
      hungUp = true;
    };
    res.once('close', onHangUp);
    let endpoint: SessionEndpoint | undefined;
    try {
      endpoint = await SessionEndpoint.open(this.#deps, {
        agent,
        initialize,
        sessionId: id,
        // Closed while it opened: by the client, or with the whole front (its retries would keep the process alive).
        abandoned: () => hungUp || res.destroyed || this.#closed,
        onclose: () => void this.#table.close(id),
        onsettled: () => this.#table.touch(id, Date.now()),
      });
      if (endpoint) this.#table.add(id, agent, { endpoint, useEnded: () => this.#table.end(id, Date.now()) }, Date.now());
    } finally {
      if (!endpoint) this.#table.release(agent);
      res.off('close', onHangUp);
    }
    // The front closed while the transport connected: closeAll has already passed this session by.
    if (endpoint && this.#closed) {
      await this.close(id);
      return undefined;
    }
    return endpoint;
  }

  /** Ends session `id` (DELETE) with its upstreams. */
  close(id: string): Promise<void> {
    return this.#table.close(id);
  }

  /** Closes the sessions of agents `agent` says yes to (agents a reloaded config removed). */
  async closeAgents(agent: (name: string) => boolean): Promise<void> {
    await Promise.allSettled(this.#table.idsOf(agent).map((id) => this.#table.close(id)));
  }

  /** Closes every session; a session still opening is closed as soon as it is open. */
  closeAll(): Promise<void> {
    this.#closed = true;
    return this.#table.closeAll();
  }

  /** Counts `res` as a use of session `id` until it closes. */
  #track(id: string, res: ServerResponse): void {
    const entry = this.#table.begin(id, Date.now());
    // 'close' comes once per response, so `on` does without the wrapper `once` makes.
    if (entry) res.on('close', entry.useEnded);
  }

  async #closeEndpoint(endpoint: SessionEndpoint): Promise<void> {
    try {
      await endpoint.close();
    } catch (error) {
      this.#options.log(`Closing session ${endpoint.id} failed: ${(error as Error).message}`);
    }
  }
}
