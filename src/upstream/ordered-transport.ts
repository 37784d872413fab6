// Keeps server messages in wire order on their way into the SDK Client. The SDK runs notification
// handlers a microtask later but settles responses at once, so a progress notification followed by
// its response in the same tick (one stdout read, one SSE chunk) would find its request already gone.
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';

/** What a transport may offer beyond the SDK interface: ExecaTransport tells how it ended, Streamable HTTP ends sessions. */
export interface DescribedTransport extends Transport {
  describeExit?(): string | undefined;
  stderrTail?(): string[];
  terminateSession?(): Promise<void>;
}

/** Wraps `inner` so each notification is handled before the next message is passed on. */
export class OrderedTransport implements DescribedTransport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  readonly #inner: DescribedTransport;
  readonly #queue: Array<[JSONRPCMessage, MessageExtraInfo | undefined]> = [];
  #draining = false;
  #closePending = false;

  constructor(inner: DescribedTransport) {
    this.#inner = inner;
    inner.onmessage = (message, extra) => this.#deliver(message, extra);
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => {
      // Messages read before the end still count (a response written just before exiting).
      if (this.#draining) this.#closePending = true;
      else this.onclose?.();
    };
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.#inner.send(message, options);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  setProtocolVersion(version: string): void {
    this.#inner.setProtocolVersion?.(version);
  }

  async terminateSession(): Promise<void> {
    await this.#inner.terminateSession?.();
  }

  describeExit(): string | undefined {
    return this.#inner.describeExit?.();
  }

  stderrTail(): string[] {
    return this.#inner.stderrTail?.() ?? [];
  }

  #deliver(message: JSONRPCMessage, extra: MessageExtraInfo | undefined): void {
    this.#queue.push([message, extra]);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
      const [message, extra] = next;
      this.onmessage?.(message, extra);
      // Stay "draining" across the hop so messages arriving meanwhile queue up behind.
      if (!('id' in message)) await Promise.resolve();
    }
    this.#draining = false;
    if (this.#closePending) {
      this.#closePending = false;
      this.onclose?.();
    }
  }
}
