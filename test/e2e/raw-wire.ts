// JSON-RPC written by hand to the real gateway, for requests the SDK's Client cannot send: JSON it
// cannot serialise (nesting thousands deep overflows its JSON.stringify) or keys its objects would
// lose (`__proto__`). The gateway under test is the same built CLI the harness starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BIN, gatewayEnv } from './harness.js';

type Message = { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string } };

const INIT = (id: number, capabilities = '{}') =>
  `{"jsonrpc":"2.0","id":${id},"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":${capabilities},"clientInfo":{"name":"raw","version":"1"}}}`;
const INITIALIZED = '{"jsonrpc":"2.0","method":"notifications/initialized"}';

/** A tools/call request as text; `argumentsJson` is put in verbatim. */
export function callText(id: number, name: string, argumentsJson: string): string {
  return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${argumentsJson}}}`;
}

/** JSON text of `{"a": {"a": … "leaf" …}}` (objects) or `[[… "leaf" …]]` (arrays), `depth` containers deep. */
export function nestedJson(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object' ? `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}` : `${'['.repeat(depth)}"leaf"${']'.repeat(depth)}`;
}

export interface RawStdio {
  /** Writes one line and resolves with the response carrying `id`. */
  request(line: string, id: number): Promise<Message>;
  close(): Promise<void>;
}

export interface RawStdioOptions {
  /** The client capabilities to declare, as JSON text. */
  capabilities?: string;
  /** Answers a request the gateway sends the client: returns the whole response line. */
  onRequest?: (request: { id: unknown; method: string; params?: unknown }) => string;
}

/** `mcp-warden serve --agent` over its real stdio, initialized by hand. */
export async function rawStdio(config: { dir: string; file: string }, agent: string, options: RawStdioOptions = {}): Promise<RawStdio> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--config', config.file, '--agent', agent], {
    cwd: config.dir,
    env: gatewayEnv(config.dir),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr!.resume();
  const waiting = new Map<number, (message: Message) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as Message & { method?: string; params?: unknown };
    if (message.method !== undefined) {
      if (message.id !== undefined && options.onRequest) child.stdin!.write(`${options.onRequest({ id: message.id, method: message.method, params: message.params })}\n`);
      return;
    }
    if (typeof message.id === 'number') waiting.get(message.id)?.(message);
  });
  const request = (line: string, id: number) =>
    new Promise<Message>((resolve) => {
      waiting.set(id, resolve);
      child.stdin!.write(`${line}\n`);
    });
  await request(INIT(0, options.capabilities), 0);
  child.stdin!.write(`${INITIALIZED}\n`);
  return {
    request,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** One session on the HTTP front, initialized by hand; `request` posts raw text and reads JSON or SSE. */
export async function rawHttp(url: string, token: string): Promise<{ request(body: string, id: number): Promise<Message> }> {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${token}` };
  const init = await fetch(url, { method: 'POST', headers, body: INIT(0) });
  await init.text();
  const session = init.headers.get('mcp-session-id')!;
  const withSession = { ...headers, 'Mcp-Session-Id': session };
  await (await fetch(url, { method: 'POST', headers: withSession, body: INITIALIZED })).text();
  return {
    async request(body, id) {
      const response = await fetch(url, { method: 'POST', headers: withSession, body });
      const text = await response.text();
      const messages = (response.headers.get('content-type') ?? '').includes('text/event-stream')
        ? text.split('\n').filter((line) => line.startsWith('data:')).map((line) => JSON.parse(line.slice(5)) as Message)
        : [JSON.parse(text) as Message];
      const found = messages.find((message) => message.id === id);
      if (!found) throw new Error(`No response with id ${id} (HTTP ${response.status}): ${text.slice(0, 500)}`);
      return found;
    },
  };
}
