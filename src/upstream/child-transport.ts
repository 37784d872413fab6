// An SDK Transport over a child process: newline-delimited JSON-RPC on its stdin/stdout, stderr
// forwarded with the server id at a bounded rate, answers over max_result_bytes refused as they
// stream, and a close() that leaves no process behind.
//
// Why node:child_process and not execa: what must die is the server's whole process group (an `npx`
// or `sh -c` server leaves grandchildren), and execa signals only the direct child. Its kill(),
// `forceKillAfterDelay` and `cancelSignal` all call ChildProcess#kill(pid), so a grandchild that
// outlives its parent is orphaned; and its `cleanup` is ignored for `detached` children (the only way
// to get a group) and cannot run when we are SIGKILLed anyway. With every feature of its own off,
// execa was a plain spawn; process-group.ts signals `-pgid` instead, and the ChildRegistry the CLI
// owns lets a signal handler reach every group within milliseconds.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ChildRegistry } from './child-registry.js';
import { endGroup, signalGroup } from './process-group.js';
import { spawnChild } from './spawn-child.js';
import { JsonLineReader, type RefusedLine } from '../jsonrpc/json-lines.js';
import { StderrLines, type StderrLimits } from './stderr-lines.js';
import { boundedLineWriter } from './bounded-writer.js';
import { refusedAnswer } from './refused-answer.js';
import { corkUntilNextTurn } from '../jsonrpc/cork.js';

/** Receives one line of a child's stderr, already prefixed with `[server-id] `. */
export type StderrSink = (line: string) => void;

export interface ChildTransportOptions {
  /** The server id, used in stderr prefixes and messages. */
  id: string;
  /** The program, run without a shell. */
  command: string;
  args?: string[];
  /** Absolute working directory; the gateway's own when absent. */
  cwd?: string;
  /** Added to the minimal inherited environment (PATH, HOME, USER, LANG, TERM, SHELL). */
  env?: Record<string, string>;
  /** Where stderr lines go; our own stderr by default. */
  stderr?: StderrSink;
  /** How long close() waits for the child to exit after its stdin ends, before SIGTERM. */
  exitWaitMs?: number;
  /** How long close() waits after SIGTERM before SIGKILL. */
  killGraceMs?: number;
  /** Largest message (one line) read from the child's stdout; a larger answer fails its request. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Line cap and rate of stderr passed on (defaults in stderr-lines.ts). */
  stderrLimits?: Partial<StderrLimits>;
  /** Where the child's process group is recorded while it runs, for the CLI's signal handlers. */
  children?: ChildRegistry;
}

/** max_result_bytes when the config does not set it. */
export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;

let ownStderr: ((line: string) => void) | undefined;

/** Writes each stderr line to our own stderr, dropping lines while it is backed up; the default sink. */
export function writeToStderr(line: string): void {
  ownStderr ??= boundedLineWriter(process.stderr);
  ownStderr(line);
}

/** A Transport that owns one child process; start() spawns it and close() ends its whole process group. */
export class ChildTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #options: ChildTransportOptions;
  readonly #sink: StderrSink;
  readonly #reader: JsonLineReader;
  readonly #stderr: StderrLines;
  readonly #maxMessageBytes: number;
  /** Requests sent and not yet answered, oldest first: a refused answer whose id is unknown fails the oldest. */
  readonly #requests = new Set<string | number>();
  #child: ChildProcessWithoutNullStreams | undefined;
  #starting: Promise<void> | undefined;
  #pid: number | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #exited: Promise<void>;
  #markExited!: () => void;
  #closing: Promise<void> | undefined;
  #closeFired = false;
  #closeFiredPromise: Promise<void>;
  #markCloseFired!: () => void;

  constructor(options: ChildTransportOptions) {
    this.#options = options;
    this.#sink = options.stderr ?? writeToStderr;
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_RESULT_BYTES;
    this.#reader = new JsonLineReader({ maxLineBytes: this.#maxMessageBytes });
    this.#stderr = new StderrLines((line) => this.#sink(`[${options.id}] ${line}`), { limits: options.stderrLimits ?? {} });
    this.#exited = new Promise((resolve) => (this.#markExited = resolve));
    this.#closeFiredPromise = new Promise((resolve) => (this.#markCloseFired = resolve));
  }

  /** The child's pid (also its process group id) once started. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** How the child ended, `exited with code 1` or `was killed by SIGKILL`; undefined while it runs. */
  describeExit(): string | undefined {
    if (!this.#exit) return undefined;
    return this.#exit.signal ? `was killed by ${this.#exit.signal}` : `exited with code ${this.#exit.code}`;
  }

  /** The last lines the child wrote to stderr, for error messages. */
  stderrTail(): string[] {
    return this.#stderr.tail();
  }

  /** Spawns the child; rejects with a TransportStartError naming the command when it cannot be started. */
  start(): Promise<void> {
    if (this.#starting || this.#closing) {
      return Promise.reject(new Error(`The transport of upstream "${this.#options.id}" was already started or closed; create a new one to restart`));
    }
    this.#starting = this.#spawn();
    return this.#starting;
  }

  async #spawn(): Promise<void> {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = await spawnChild(this.#options);
    } catch (error) {
      this.#fireClose();
      throw error;
    }
    this.#child = child;
    const pid = child.pid!;
    this.#pid = pid;
    this.#options.children?.add(pid);
    child.stdout.on('data', (chunk: Buffer) => this.#onStdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => this.#stderr.push(chunk));
    // An 'error' event without a listener would throw and take the whole gateway down.
    child.stdin.on('error', (error) => this.onerror?.(new Error(`Cannot write to upstream "${this.#options.id}": ${error.message}`, { cause: error })));
    child.stdout.on('error', (error) => this.onerror?.(new Error(`Cannot read the stdout of upstream "${this.#options.id}": ${error.message}`, { cause: error })));
    child.stderr.on('error', (error) => this.onerror?.(new Error(`Cannot read the stderr of upstream "${this.#options.id}": ${error.message}`, { cause: error })));
    child.on('error', (error) => this.onerror?.(new Error(`Upstream "${this.#options.id}": ${error.message}`, { cause: error })));
    child.once('exit', (code, signal) => void this.#onExit(code, signal));
  }

  /** Writes one message as a line on the child's stdin. */
  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.#child?.stdin;
    if (!stdin || this.#exit || this.#closing || stdin.writableEnded) {
      return Promise.reject(new Error(`Upstream "${this.#options.id}" is not running`));
    }
    this.#track(message);
    corkUntilNextTurn(stdin);
    return new Promise((resolve, reject) => {
      stdin.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Ends stdin, then SIGTERM, then SIGKILL for the whole group; resolves when nothing of it runs. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#terminate();
    return this.#closing;
  }

  async #terminate(): Promise<void> {
    // A close() during start() must wait for the spawn, or the child it makes would run on unowned.
    // A failed start is already reported to start()'s caller and left no process to end.
    await this.#starting?.catch(() => {});
    const pid = this.#pid;
    if (pid === undefined) {
      this.#fireClose();
      return;
    }
    const { exitWaitMs = 1000, killGraceMs = 1000 } = this.#options;
    if (!this.#exit) {
      this.#child?.stdin.end();
      if (!(await this.#waitExit(exitWaitMs))) {
        signalGroup(pid, 'SIGTERM');
        if (!(await this.#waitExit(killGraceMs))) {
          signalGroup(pid, 'SIGKILL');
          await this.#waitExit(2000);
        }
      }
    }
    await this.#endGroup(pid);
    await this.#closeFiredPromise;
  }

  #waitExit(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    return Promise.race([this.#exited.then(() => true), timeout]).finally(() => clearTimeout(timer));
  }

  /** Keeps the ids of requests in flight: added when sent, removed when answered or cancelled. */
  #track(message: JSONRPCMessage): void {
    if ('method' in message) {
      if ('id' in message) this.#requests.add(message.id);
      else if (message.method === 'notifications/cancelled') this.#requests.delete((message.params as { requestId?: string | number } | undefined)?.requestId as string | number);
    }
  }

  #onStdout(chunk: Buffer): void {
    for (const result of this.#reader.push(chunk)) {
      if ('message' in result) {
        const { message } = result;
        if ('id' in message && !('method' in message)) this.#requests.delete(message.id as string | number);
        this.onmessage?.(message);
      } else if ('refused' in result) {
        this.#onRefused(result.refused);
      } else {
        // A stray print must not take the connection down; say so and read on.
        this.onerror?.(
          new Error(`Upstream "${this.#options.id}" wrote a line to stdout that is not JSON-RPC; ignored it: ${quotePreview(result.garbage)}`, {
            cause: result.error,
          }),
        );
      }
    }
  }

  /**
   * A line the reader would not parse. Its request fails at once with an error response in place of
   * the answer (never a repaired or partial answer), and a too-large one is cancelled upstream.
   */
  #onRefused(refused: RefusedLine): void {
    const { id: server } = this.#options;
    if (refused.method) {
      // A request or notification of the server's own: it answers none of our requests.
      const what = refused.reason === 'too-large' ? `a request or notification of more than ${this.#maxMessageBytes} bytes` : 'a message that is not valid UTF-8';
      this.onerror?.(new Error(`Upstream "${server}" wrote ${what} to stdout; ignored it`));
      return;
    }
    const known = refused.id !== undefined;
    // An id that names no request in flight (one already answered or cancelled) fails nothing; an id
    // that could not be read leaves the oldest request in flight as the best guess.
    const id = known ? (this.#requests.has(refused.id!) ? refused.id : undefined) : this.#requests.values().next().value;
    const what =
      refused.reason === 'too-large'
        ? `an answer of more than ${this.#maxMessageBytes} bytes (its max_result_bytes)`
        : 'an answer that is not valid UTF-8';
    const which =
      id === undefined
        ? `no request in flight${known ? ` has id ${JSON.stringify(refused.id)}` : ''}, so no call failed`
        : known
          ? `failed request ${JSON.stringify(id)}`
          : `could not tell which request it answered; failed the oldest in flight, ${JSON.stringify(id)}`;
    this.onerror?.(new Error(`Upstream "${server}" wrote ${what} to stdout (${refused.bytes} bytes read); ${which}`));
    if (id === undefined) return;
    this.#requests.delete(id);
    if (refused.reason === 'too-large') {
      this.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: `The answer is larger than max_result_bytes (${this.#maxMessageBytes})` } }).catch(() => {
        // The child is gone or going: nothing is left to cancel, and the call fails below either way.
      });
    }
    const fix = refused.reason === 'too-large' ? '; the call was cancelled. Ask for less (a narrower query, a page) or raise max_result_bytes for this server' : '';
    this.onmessage?.(refusedAnswer(id, `Upstream "${server}" sent ${what}${fix}`));
  }

  async #onExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.#exit = { code, signal };
    this.#markExited();
    // Responses written just before exiting may still sit in the pipe; read them before closing.
    await waitForEnd(this.#child?.stdout, 200);
    this.#stderr.end();
    const pid = this.#pid;
    if (!this.#closing && pid !== undefined) {
      // The server died on its own; whatever it started in its group must not outlive it.
      void this.#endGroup(pid);
    }
    this.#fireClose();
  }

  /** Ends what is left of the group after its leader exited, then forgets it unless something survived even SIGKILL. */
  async #endGroup(pgid: number): Promise<void> {
    if (await endGroup(pgid, this.#options.killGraceMs ?? 1000)) this.#options.children?.delete(pgid);
  }

  #fireClose(): void {
    if (this.#closeFired) return;
    this.#closeFired = true;
    this.#markCloseFired();
    this.onclose?.();
  }
}

function waitForEnd(stream: NodeJS.ReadableStream | undefined, ms: number): Promise<void> {
  if (!stream || (stream as { readableEnded?: boolean }).readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    stream.once('end', done);
    stream.once('close', done);
    function done(): void {
      clearTimeout(timer);
      resolve();
    }
  });
}

function quotePreview(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
