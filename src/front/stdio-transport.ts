// The agent-facing stdio transport: newline-delimited JSON-RPC on stdin and stdout. Unlike the SDK's,
// it checks each message's shape without a schema parse of the whole union (the Server still
// validates every request against its method's schema), and answers a line that is not JSON-RPC,
// not valid UTF-8 or larger than the limit with an error instead of dropping or repairing it.
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { JsonLineReader, MAX_LINE_BYTES, type RefusedLine } from '../jsonrpc/json-lines.js';
import { corkUntilNextTurn } from '../jsonrpc/cork.js';

export class StdioFrontTransport implements Transport {
  readonly #stdin: Readable;
  readonly #stdout: Writable;
  readonly #reader: JsonLineReader;
  readonly #maxMessageBytes: number;
  #started = false;
  #closed = false;
  onmessage?: Transport['onmessage'];
  onclose?: Transport['onclose'];
  onerror?: Transport['onerror'];

  /** `maxMessageBytes`: a longer line is refused as it streams in, never held (default 64 MiB). */
  constructor(stdin: Readable = process.stdin, stdout: Writable = process.stdout, options: { maxMessageBytes?: number } = {}) {
    this.#stdin = stdin;
    this.#stdout = stdout;
    this.#maxMessageBytes = options.maxMessageBytes ?? MAX_LINE_BYTES;
    this.#reader = new JsonLineReader({ maxLineBytes: this.#maxMessageBytes });
  }

  /** Starts reading stdin; must be called once. */
  async start(): Promise<void> {
    if (this.#started) throw new Error('The stdio transport was already started');
    this.#started = true;
    this.#stdin.on('data', this.#onData);
    this.#stdin.on('error', this.#onError);
  }

  readonly #onData = (chunk: Buffer): void => {
    for (const result of this.#reader.push(chunk)) {
      if ('message' in result) {
        this.onmessage?.(result.message);
      } else if ('refused' in result) {
        this.#refuse(result.refused);
      } else {
        this.onerror?.(new Error(`Ignored a line that is not JSON-RPC: ${String((result.error as Error).message ?? result.error)}`));
        this.send({ jsonrpc: '2.0', id: null as unknown as string, error: { code: ErrorCode.ParseError, message: 'Parse error: the line is not a JSON-RPC 2.0 message' } }).catch(() => {});
      }
    }
  };

  /** Answers a line that was not read; with its id when it could be found, so the agent's request ends now. */
  #refuse(refused: RefusedLine): void {
    const error =
      refused.reason === 'invalid-utf8'
        ? { code: ErrorCode.ParseError, message: 'Parse error: the line is not valid UTF-8' }
        : { code: ErrorCode.InvalidRequest, message: `Invalid Request: the message is larger than ${this.#maxMessageBytes} bytes (http.max_body); send less` };
    this.onerror?.(new Error(`Refused a line of ${refused.bytes} bytes: ${error.message}`));
    // A line known to carry no method is the agent's answer to one of our requests: its id is ours, not one to answer.
    const answered = refused.reason === 'invalid-utf8' && !refused.method ? undefined : refused.id;
    this.send({ jsonrpc: '2.0', id: (answered ?? null) as string, error }).catch(() => {});
  }

  readonly #onError = (error: Error): void => {
    this.onerror?.(error);
  };

  /** Writes one message as one line. */
  send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The stdio transport is closed'));
    corkUntilNextTurn(this.#stdout);
    return new Promise((resolve, reject) => {
      this.#stdout.write(`${JSON.stringify(message)}\n`, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Stops reading; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stdin.off('data', this.#onData);
    this.#stdin.off('error', this.#onError);
    // Let the process exit even though stdin is still open.
    this.#stdin.pause();
    this.onclose?.();
  }
}
