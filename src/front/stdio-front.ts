// The stdio front: one gateway process per agent. The session (and its upstreams) is opened when the
// agent's initialize arrives, so the upstreams see the agent's real client capabilities and the
// capabilities we announce are the ones the upstreams offer.
import type { Readable, Writable } from 'node:stream';
import { StdioFrontTransport } from './stdio-transport.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, isInitializeRequest, type JSONRPCMessage, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayDeps } from '../gateway/types.js';
import type { GatewaySession } from '../gateway/session.js';
import { openSession } from './session-server.js';

export interface StdioFrontOptions {
  agent: string;
  stdin?: Readable;
  stdout?: Writable;
  /** Runs when the agent hangs up, before the session closes, while answers can still be written. */
  beforeClose?: () => Promise<void>;
}

export interface RunningStdioFront {
  /** Resolves when the agent hangs up (stdin ends) and the session is closed. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Serves one agent over stdin/stdout until stdin ends. */
export async function serveStdio(deps: GatewayDeps, options: StdioFrontOptions): Promise<RunningStdioFront> {
  // One limit for an agent's message on both fronts: the HTTP body cap.
  const inner = new StdioFrontTransport(options.stdin, options.stdout, { maxMessageBytes: deps.config.http.maxBodyBytes });
  const gate = new GateTransport(inner);
  let session: GatewaySession | undefined;
  let opening: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const queue: JSONRPCMessage[] = [];
  let finished = false;

  const close = async () => {
    if (finished) return;
    finished = true;
    await options.beforeClose?.().catch(() => {});
    await session?.close();
    await inner.close().catch(() => {});
    resolveClosed();
  };

  inner.onmessage = (message) => {
    if (gate.connected) return gate.deliver(message);
    if (opening) {
      queue.push(message);
      return;
    }
    if (isInitializeRequest(message)) {
      queue.push(message);
      opening = (async () => {
        try {
          const opened = await openSession(deps, options.agent, message.params);
          session = opened.session;
          // The front was closed while the session opened (a signal, a required server that failed):
          // its upstreams and their retries must end too, or the process never exits.
          if (finished) {
            await session.close();
            return;
          }
          await opened.connect(gate);
          for (const queued of queue.splice(0)) gate.deliver(queued);
        } catch (error) {
          deps.log?.(`Cannot open a session for agent "${options.agent}": ${(error as Error).message}`);
          await inner.send({ jsonrpc: '2.0', id: (message as JSONRPCRequest).id, error: { code: ErrorCode.InternalError, message: 'mcp-warden could not open the session; see its log' } });
          opening = undefined;
        }
      })();
      return;
    }
    if (isJSONRPCRequest(message)) {
      const reply: JSONRPCMessage =
        message.method === 'ping'
          ? { jsonrpc: '2.0', id: message.id, result: {} }
          : { jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.InvalidRequest, message: 'Server not initialized: send "initialize" first' } };
      inner.send(reply).catch(() => {});
    }
  };
  inner.onerror = (error) => deps.log?.(`stdio: ${error.message}`);
  inner.onclose = () => void close();
  (options.stdin ?? process.stdin).once('end', () => void close());
  await inner.start();
  return { closed, close };
}

/**
 * Lets the SDK Server connect to a transport that is already reading, and refuses a request whose
 * id is still in flight (JSON-RPC ids must be unique; a duplicate would cross the two answers).
 */
class GateTransport implements Transport {
  readonly #inner: Transport;
  readonly #inflight = new Set<string | number>();
  connected = false;
  onmessage?: Transport['onmessage'];
  onclose?: Transport['onclose'];
  onerror?: Transport['onerror'];

  constructor(inner: Transport) {
    this.#inner = inner;
  }

  async start(): Promise<void> {
    this.connected = true;
  }

  deliver(message: JSONRPCMessage): void {
    if (isJSONRPCRequest(message)) {
      if (this.#inflight.has(message.id)) {
        this.#inner
          .send({ jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.InvalidRequest, message: `Duplicate request id "${String(message.id)}" is still in flight` } })
          .catch(() => {});
        return;
      }
      this.#inflight.add(message.id);
    }
    this.onmessage?.(message);
  }

  /** The agent cancelled `id`: no answer will come, so the id may be used again. */
  abandon(id: string | number): void {
    this.#inflight.delete(id);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (isResponse(message)) this.#inflight.delete(message.id);
    await this.#inner.send(message);
  }

  async close(): Promise<void> {
    await this.#inner.close();
    this.onclose?.();
  }
}

// Structural checks: the SDK's guards run a full schema parse, too slow for every message.
function isJSONRPCRequest(message: JSONRPCMessage): message is JSONRPCRequest {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: string | number } {
  return !('method' in message) && 'id' in message && message.id !== undefined && ('result' in message || 'error' in message);
}
