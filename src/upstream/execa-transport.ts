// An SDK Transport over a child process started with execa: newline-delimited JSON-RPC on its
// stdin/stdout, stderr forwarded with the server id at a bounded rate, answers over max_result_bytes
// refused as they stream, and a close() that leaves no process behind.
import { statSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { buildChildEnv } from './child-env.js';
import { registerChildGroup, unregisterChildGroup } from './child-registry.js';
import { isGroupAlive, signalGroup, waitGroupGone } from './process-group.js';
import { JsonLineReader, type RefusedLine } from '../jsonrpc/json-lines.js';
import { StderrLines, type StderrLimits } from './stderr-lines.js';
import { boundedLineWriter } from './bounded-writer.js';
import { refusedAnswer } from './refused-answer.js';
import { corkUntilNextTurn } from '../jsonrpc/cork.js';
import { TransportStartError } from './transport-start-error.js';

/** Receives one line of a child's stderr, already prefixed with `[server-id] `. */
export type StderrSink = (line: string) => void;

export interface ExecaTransportOptions {
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
export class ExecaTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #options: ExecaTransportOptions;
  readonly #sink: StderrSink;
  readonly #reader: JsonLineReader;
  readonly #stderr: StderrLines;
  readonly #maxMessageBytes: number;
  /** Requests sent and not yet answered, oldest first: a refused answer whose id is unknown fails the oldest. */
  readonly #requests = new Set<string | number>();
  #child: ResultPromise | undefined;
  #pid: number | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #exited: Promise<void>;
  #markExited!: () => void;
  #closing: Promise<void> | undefined;
  #closeFired = false;
  #closeFiredPromise: Promise<void>;
  #markCloseFired!: () => void;

  constructor(options: ExecaTransportOptions) {
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

  /** Spawns the child; rejects with a message naming the command when it cannot be started. */
  async start(): Promise<void> {
    if (this.#child) throw new Error(`The transport of upstream "${this.#options.id}" was already started; create a new one to restart`);
    const { command, args = [], cwd } = this.#options;
    if (cwd !== undefined && !isDirectory(cwd)) {
      this.#fireClose();
      throw new TransportStartError(`working directory "${cwd}" does not exist`);
    }
    const child = execa(command, args, {
      cwd,
      env: buildChildEnv(this.#options.env),
      extendEnv: false,
      shell: false,
      // Its own process group, so close() reaches the grandchildren a server starts too.
      detached: true,
      cleanup: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      windowsHide: true,
    });
    this.#child = child;
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', reject);
      });
    } catch (error) {
      this.#fireClose();
      throw new TransportStartError(describeSpawnError(command, error), { cause: error });
    }
    const pid = child.pid as number;
    this.#pid = pid;
    registerChildGroup(pid);
    child.stdout.on('data', (chunk: Buffer) => this.#onStdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => this.#onStderr(chunk));
    child.stdin.on('error', (error) => this.onerror?.(new Error(`Cannot write to upstream "${this.#options.id}": ${error.message}`, { cause: error })));
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
    const pid = this.#pid;
    if (pid === undefined) {
      this.#fireClose();
      return;
    }
    const { exitWaitMs = 1000, killGraceMs = 1000 } = this.#options;
    if (!this.#exit) {
      this.#child?.stdin?.end();
      if (!(await this.#waitExit(exitWaitMs))) {
        signalGroup(pid, 'SIGTERM');
        if (!(await this.#waitExit(killGraceMs))) {
          signalGroup(pid, 'SIGKILL');
          await this.#waitExit(2000);
        }
      }
    }
    await endGroup(pid, killGraceMs);
    unregisterChildGroup(pid);
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
      this.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: `The answer is larger than max_result_bytes (${this.#maxMessageBytes})` } }).catch(() => {});
    }
    const fix = refused.reason === 'too-large' ? '; the call was cancelled. Ask for less (a narrower query, a page) or raise max_result_bytes for this server' : '';
    this.onmessage?.(refusedAnswer(id, `Upstream "${server}" sent ${what}${fix}`));
  }

  #onStderr(chunk: Buffer): void {
    this.#stderr.push(chunk);
  }

  async #onExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.#exit = { code, signal };
    this.#markExited();
    // Responses written just before exiting may still sit in the pipe; read them before closing.
    await waitForEnd(this.#child?.stdout ?? undefined, 200);
    this.#stderr.end();
    const pid = this.#pid;
    if (!this.#closing && pid !== undefined) {
      // The server died on its own; whatever it started in its group must not outlive it.
      void endGroup(pid, this.#options.killGraceMs ?? 1000).then(() => unregisterChildGroup(pid));
    }
    this.#fireClose();
  }

  #fireClose(): void {
    if (this.#closeFired) return;
    this.#closeFired = true;
    this.#markCloseFired();
    this.onclose?.();
  }
}

/** Ends what is left of a group after its leader exited: SIGTERM, then SIGKILL after the grace period. */
async function endGroup(pgid: number, graceMs: number): Promise<void> {
  if (!isGroupAlive(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  if (await waitGroupGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitGroupGone(pgid, 2000);
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

function describeSpawnError(command: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `command "${command}" was not found (ENOENT); check the command and PATH`;
  if (code === 'EACCES') return `command "${command}" is not executable (EACCES)`;
  return `command "${command}" could not be started: ${error instanceof Error ? error.message : String(error)}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function quotePreview(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
