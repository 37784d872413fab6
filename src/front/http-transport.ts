// One Streamable HTTP session's transport, written against node:http directly. The SDK's transport
// converts every request to a web Request and every answer to a web ReadableStream through an
// adapter; measured under load that conversion cost more CPU than the rest of a proxied call.
//
// What it does (MCP 2025-06-18 "Streamable HTTP"):
// - A POST with requests stays open until each is answered. A single request answered before
//   anything else is sent on its behalf gets a plain JSON body; once a notification or a request
//   must go out first (progress, an elicitation), the answer switches to an SSE stream.
// - A POST with only notifications and responses gets 202 at once.
// - One GET per session opens the stream for messages not tied to a request (list_changed, logs).
// Authentication, the session table, body limits and message validation are the front's job; this
// class only routes messages of one session that the front already accepted.
import type { ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

type RequestId = string | number;

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // Reverse proxies (nginx) buffer responses unless told not to.
  'X-Accel-Buffering': 'no',
};

/**
 * How often a stream with nothing to say sends an SSE comment. A call waiting minutes for a human
 * would otherwise send no byte at all, and clients give up on a response without headers (Node's
 * fetch after 300 s) as proxies do on a quiet connection.
 */
const DEFAULT_KEEPALIVE_MS = 15_000;

/** Writes an SSE comment to `res` every `ms` until it ends; `before` runs first each time. */
function keepAlive(res: ServerResponse, ms: number, before: () => void): void {
  const timer = setInterval(() => {
    if (res.writableEnded || res.destroyed) return clearInterval(timer);
    before();
    res.write(': keep-alive\n\n');
  }, ms);
  timer.unref();
  res.once('close', () => clearInterval(timer));
  res.once('finish', () => clearInterval(timer));
}

/** The answers to one POST: JSON while nothing but a single answer was sent, SSE otherwise. */
class PostStream {
  readonly #res: ServerResponse;
  readonly #sessionId: string;
  #pending: number;
  readonly #single: boolean;
  #sse = false;

  constructor(res: ServerResponse, sessionId: string, requests: number, keepAliveMs: number) {
    this.#res = res;
    this.#sessionId = sessionId;
    this.#pending = requests;
    this.#single = requests === 1;
    // A quiet call switches to SSE so that the client has headers and bytes while it waits.
    keepAlive(res, keepAliveMs, () => this.#startSse());
  }

  get open(): boolean {
    return !this.#res.writableEnded && !this.#res.destroyed;
  }

  /** A notification or request on behalf of one of this POST's requests. */
  event(message: JSONRPCMessage): void {
    if (!this.open) return;
    this.#startSse();
    this.#res.write(sseEvent(message));
  }

  /** The response to one of this POST's requests; the last one ends the HTTP response. */
  answer(message: JSONRPCMessage): void {
    this.#pending -= 1;
    if (!this.open) return;
    if (!this.#sse && this.#single) {
      const body = JSON.stringify(message);
      this.#res
        .writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Mcp-Session-Id': this.#sessionId })
        .end(body);
      return;
    }
    this.#startSse();
    this.#res.write(sseEvent(message));
    if (this.#pending <= 0) this.#res.end();
  }

  /** One of this POST's requests will get no answer (cancelled); ends the response if it was the last. */
  abandon(): void {
    this.#pending -= 1;
    if (this.#pending > 0 || !this.open) return;
    // Nothing more will come: an empty event stream, which a client reads as "no answer".
    this.#startSse();
    this.#res.end();
  }

  end(): void {
    if (this.open) this.#res.end();
  }

  #startSse(): void {
    if (this.#sse) return;
    this.#sse = true;
    this.#res.writeHead(200, { ...SSE_HEADERS, 'Mcp-Session-Id': this.#sessionId });
    // Send the headers now: the client waits for them before it reads events.
    this.#res.flushHeaders();
  }
}

export class HttpSessionTransport implements Transport {
  readonly sessionId: string;
  readonly #keepAliveMs: number;
  onmessage?: Transport['onmessage'];
  onclose?: Transport['onclose'];
  onerror?: Transport['onerror'];
  /** Called when a request leaves flight (answered or abandoned), which is use of the session. */
  onsettled?: () => void;
  /**
   * The POST that will carry the answer to each request in flight. An id stays here until its answer
   * is sent or the agent cancels it, even if the client hung up meanwhile: otherwise a new request
   * reusing the id would be sent the old one's answer.
   */
  readonly #streams = new Map<RequestId, PostStream>();
  #standalone: ServerResponse | undefined;
  #closed = false;

  constructor(sessionId: string, options: { keepAliveMs?: number } = {}) {
    this.sessionId = sessionId;
    this.#keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
  }

  async start(): Promise<void> {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether a request with this id is still waiting for its answer (a new one may not reuse it). */
  isInFlight(id: RequestId): boolean {
    return this.#streams.has(id);
  }

  /** Requests still waiting for their answer, whether or not their client is still listening. */
  inFlightCount(): number {
    return this.#streams.size;
  }

  /** Whether a GET stream is open (there may be one per session). */
  get hasStandaloneStream(): boolean {
    return this.#standalone !== undefined;
  }

  /** Takes one accepted POST: answers 202 at once or keeps `res` for the answers. */
  post(res: ServerResponse, messages: JSONRPCMessage[]): void {
    const requests = messages.filter(isRequest);
    if (requests.length === 0) {
      res.writeHead(202, { 'Mcp-Session-Id': this.sessionId }).end();
    } else {
      // A client that hangs up gets no answer; the call itself is not cancelled by that (the spec
      // asks clients to cancel explicitly), and its id stays taken until the answer is dropped.
      const stream = new PostStream(res, this.sessionId, requests.length, this.#keepAliveMs);
      for (const request of requests) this.#streams.set(request.id, stream);
    }
    for (const message of messages) this.onmessage?.(message);
  }

  /** Opens the session's stream for messages not tied to a request. The caller checked there is none. */
  openStandalone(res: ServerResponse): void {
    res.writeHead(200, { ...SSE_HEADERS, 'Mcp-Session-Id': this.sessionId });
    res.flushHeaders();
    keepAlive(res, this.#keepAliveMs, () => {});
    this.#standalone = res;
    res.once('close', () => {
      if (this.#standalone === res) this.#standalone = undefined;
    });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#closed) return;
    const responseId = isResponse(message) ? message.id : undefined;
    const related = responseId ?? options?.relatedRequestId;
    const stream = related === undefined ? undefined : this.#streams.get(related);
    if (responseId === undefined && 'id' in message) {
      // A request to the agent (elicitation, sampling) waits for an answer: if the call's stream is
      // gone, carry it on another open one rather than leave the upstream waiting for ever.
      const carrier = stream?.open ? stream : this.#anyOpenStream();
      if (!carrier) throw new Error('No open stream to the agent can carry this request');
      if (carrier instanceof PostStream) carrier.event(message);
      else carrier.write(sseEvent(message));
      return;
    }
    if (related === undefined) {
      const standalone = this.#standalone;
      // A notification with no GET stream open has nowhere to go; the client opted out of these.
      if (standalone && !standalone.writableEnded) standalone.write(sseEvent(message));
      return;
    }
    // The client hung up on that request: there is no one left to tell.
    if (!stream) return;
    if (responseId === undefined) {
      stream.event(message);
      return;
    }
    this.#streams.delete(responseId);
    stream.answer(message);
    this.onsettled?.();
  }

  /** The GET stream if open, else the most recent POST still open. */
  #anyOpenStream(): PostStream | ServerResponse | undefined {
    if (this.#standalone && !this.#standalone.writableEnded) return this.#standalone;
    let found: PostStream | undefined;
    for (const stream of this.#streams.values()) if (stream.open) found = stream;
    return found;
  }

  /** The agent cancelled `id`: no answer will be sent, so stop waiting for one. */
  abandon(id: RequestId): void {
    const stream = this.#streams.get(id);
    if (!stream) return;
    this.#streams.delete(id);
    stream.abandon();
    this.onsettled?.();
  }

  /** Ends every open response; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stream of new Set(this.#streams.values())) stream.end();
    this.#streams.clear();
    if (this.#standalone && !this.#standalone.writableEnded) this.#standalone.end();
    this.#standalone = undefined;
    this.onclose?.();
  }
}

function sseEvent(message: JSONRPCMessage): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

function isRequest(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId; method: string } {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  return !('method' in message) && 'id' in message && message.id !== undefined && ('result' in message || 'error' in message);
}
