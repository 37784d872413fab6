// Keeps this gateway's registry entry: its sessions and their upstreams' states, folded from the
// observer's events and published at most once per `delayMs` (a burst of events is one write; calls
// and decisions are not written at all). Removed on a clean shutdown.
import { hostname } from 'node:os';
import type { GatewayObserver, SessionEvent, UpstreamStateEvent } from '../gateway/observer.js';
import { processStartOf } from '../approval/gateway-owner.js';
import type { ConfigState } from '../config/holder.js';
import type { GatewayEntry, SessionEntry } from './gateway-entry.js';
import type { GatewayRegistry } from './gateway-registry.js';
import { initialUpstream, nextUpstream } from './upstream-entry.js';

export interface GatewayTrackerOptions {
  registry: GatewayRegistry;
  /** What does not change while the gateway runs. */
  identity: Pick<GatewayEntry, 'kind' | 'config' | 'environment'> & { agent?: string };
  /** The servers a session of `agent` has, in config order, and whether each starts lazily. */
  serversFor(agent: string): Array<{ id: string; lazy: boolean }>;
  /** Told when a publish fails (once until one succeeds again). */
  log?: (message: string) => void;
  delayMs?: number;
  clock?: { now(): number };
}

export class GatewayTracker {
  readonly observer: GatewayObserver;
  readonly #options: GatewayTrackerOptions;
  readonly #clock: { now(): number };
  readonly #entry: GatewayEntry;
  readonly #sessions = new Map<string, SessionEntry>();
  /** Per session, the servers that have been up in it: a failure after that is a restart. */
  readonly #everUp = new Map<string, Set<string>>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #published = false;
  #closed = false;
  #failing = false;

  constructor(options: GatewayTrackerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date;
    const started = processStartOf(process.pid);
    const { agent, ...identity } = options.identity;
    this.#entry = {
      pid: process.pid,
      host: hostname(),
      ...(started ? { started } : {}),
      ...identity,
      ...(agent ? { agent } : {}),
      startedAt: this.#clock.now(),
      sessions: [],
      updatedAt: this.#clock.now(),
    };
    this.observer = {
      session: (event) => this.#onSession(event),
      upstream: (event) => this.#onUpstream(event),
    };
  }

  /** The HTTP front's MCP endpoint, once it listens. */
  setUrl(url: string): void {
    this.#entry.url = url;
    this.#changed();
  }

  /** The console this gateway serves, or shares with another gateway (`shared`). */
  setConsole(url: string, shared: boolean): void {
    this.#entry.console = { url, shared };
    this.#changed();
  }

  /** Where the running config stands; published with the entry (a failed reload shows as stale). */
  setConfigState(state: ConfigState): void {
    this.#entry.configState = state;
    this.#changed();
  }

  /** Publishes the entry now and keeps it current from here on. */
  async start(): Promise<void> {
    this.#published = true;
    await this.#flush();
  }

  /** A copy of the entry as it stands. */
  snapshot(): GatewayEntry {
    return structuredClone({ ...this.#entry, sessions: [...this.#sessions.values()] });
  }

  /** Stops publishing and removes the entry; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#writing;
    await this.#options.registry.withdraw(process.pid);
  }

  #onSession(event: SessionEvent): void {
    if (event.type === 'closed') {
      this.#sessions.delete(event.session);
      this.#everUp.delete(event.session);
    } else {
      const upstreams: SessionEntry['upstreams'] = {};
      for (const server of this.#options.serversFor(event.agent)) upstreams[server.id] = initialUpstream(server.lazy, event.at);
      this.#sessions.set(event.session, { id: event.session, agent: event.agent, ...(event.client ? { client: event.client } : {}), openedAt: event.at, upstreams });
    }
    this.#changed();
  }

  #onUpstream(event: UpstreamStateEvent): void {
    const session = this.#sessions.get(event.session);
    // A closing session's last events come after it is gone from the list: nothing to show.
    if (!session) return;
    let up = this.#everUp.get(event.session);
    if (!up) this.#everUp.set(event.session, (up = new Set()));
    session.upstreams[event.server] = nextUpstream(session.upstreams[event.server], event, up.has(event.server));
    if (event.state === 'up') up.add(event.server);
    this.#changed();
  }

  #changed(): void {
    this.#entry.updatedAt = this.#clock.now();
    if (!this.#published || this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, this.#options.delayMs ?? 200);
    // A pending status write never keeps the process alive.
    this.#timer.unref();
  }

  #flush(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      if (this.#closed) return;
      try {
        await this.#options.registry.publish(this.snapshot());
        this.#failing = false;
      } catch (error) {
        if (!this.#failing) this.#options.log?.(`could not record this gateway for "mcp-warden status" (${(error as Error).message})`);
        this.#failing = true;
      }
    });
    return this.#writing;
  }
}
