// The one place the HTTP front opens a gateway session and speaks to its Streamable HTTP transport.
// Everything else in the front sees only SessionEndpoint, so the session behind it can be swapped here.
import type { ServerResponse } from 'node:http';
import type { InitializeRequest, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayDeps } from '../../gateway/types.js';
import type { GatewaySession } from '../../gateway/session.js';
import { HttpSessionTransport } from '../http-transport.js';
import { openSession } from '../open-session.js';

export interface OpenEndpointOptions {
  agent: string;
  /** The params of the agent's initialize request. */
  initialize: InitializeRequest['params'];
  sessionId: string;
  /** Asked once the session is open: true when nobody wants it any more (client gone, front closing). */
  abandoned: () => boolean;
  /** The transport closed on its own (the session must leave the table). */
  onclose: () => void;
  /** A request left flight (answered or abandoned), which is use of the session. */
  onsettled: () => void;
}

/** One agent's session as the HTTP front uses it. */
export class SessionEndpoint {
  readonly id: string;
  readonly #session: GatewaySession;
  readonly #transport: HttpSessionTransport;

  private constructor(id: string, session: GatewaySession, transport: HttpSessionTransport) {
    this.id = id;
    this.#session = session;
    this.#transport = transport;
  }

  /**
   * Opens a session for `options.agent` from its initialize params and connects its transport;
   * undefined (and nothing left open) when `abandoned()` says nobody wants it by the time it is open.
   */
  static async open(deps: GatewayDeps, options: OpenEndpointOptions): Promise<SessionEndpoint | undefined> {
    const opened = await openSession(deps, options.agent, options.initialize, { sessionId: options.sessionId });
    if (options.abandoned()) {
      await opened.session.close();
      return undefined;
    }
    const transport = new HttpSessionTransport(options.sessionId);
    transport.onclose = options.onclose;
    // A call that ends after its client hung up was still use of the session, up to its end.
    transport.onsettled = options.onsettled;
    try {
      await opened.connect(transport);
    } catch (error) {
      await opened.session.close();
      throw error;
    }
    return new SessionEndpoint(options.sessionId, opened.session, transport);
  }

  /** Whether a GET stream is open (there may be one per session). */
  get hasStream(): boolean {
    return this.#transport.hasStandaloneStream;
  }

  /** Whether requests are still running, whether or not their client is still listening. */
  get busy(): boolean {
    return this.#transport.inFlightCount() > 0;
  }

  /** Whether a request with this id is still waiting for its answer (a new one may not reuse it). */
  isInFlight(id: string | number): boolean {
    return this.#transport.isInFlight(id);
  }

  /** Hands one accepted POST to the session: 202 at once, or `res` carries the answers. */
  post(res: ServerResponse, messages: readonly JSONRPCMessage[]): void {
    this.#transport.post(res, messages as JSONRPCMessage[]);
  }

  /** Opens the session's GET stream on `res`; the caller checked there is none. */
  openStream(res: ServerResponse): void {
    this.#transport.openStandalone(res);
  }

  /** Closes the session with its upstreams, then ends its open responses. */
  async close(): Promise<void> {
    await this.#session.close();
    // The transport only ends responses; one that fails to end has no one left to report to.
    await this.#transport.close().catch(() => {});
  }
}
