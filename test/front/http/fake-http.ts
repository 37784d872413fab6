// A request and a response without a socket, for the HTTP front's guards and edge. The e2e tests
// prove the real socket; these prove each step's decision.
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpContext } from '../../../src/front/http/context.js';
import { compose, type Guard } from '../../../src/front/http/compose.js';
import { HttpError } from '../../../src/front/http/http-error.js';

export interface FakeResponse {
  status?: number;
  headers: Record<string, string | number>;
  body: string;
  headersSent: boolean;
  destroyed: boolean;
  socketClosedSoon: boolean;
}

/** A request with `headers` and, for a POST, `body` (in `chunks` pieces when given as an array). */
export function fakeRequest(options: { method?: string; url?: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[] } = {}): IncomingMessage {
  const pieces = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [Buffer.from(options.body)];
  const req = Readable.from(pieces, { objectMode: false }) as unknown as IncomingMessage;
  return Object.assign(req, { method: options.method ?? 'POST', url: options.url ?? '/mcp', headers: options.headers ?? {} });
}

/** A response that records what was sent; `raw` is what the code under test gets. */
export function fakeResponse(req: IncomingMessage): { raw: ServerResponse; sent: FakeResponse } {
  const sent: FakeResponse = { headers: {}, body: '', headersSent: false, destroyed: false, socketClosedSoon: false };
  const listeners: Array<[string, () => void]> = [];
  const raw = {
    req: Object.assign(req, { socket: { destroySoon: () => (sent.socketClosedSoon = true) } }),
    get headersSent() {
      return sent.headersSent;
    },
    get destroyed() {
      return sent.destroyed;
    },
    writeHead(status: number, headers: Record<string, string | number> = {}) {
      sent.status = status;
      Object.assign(sent.headers, headers);
      sent.headersSent = true;
      return raw;
    },
    end(body?: string) {
      sent.headersSent = true;
      if (body) sent.body += body;
      return raw;
    },
    on(event: string, listener: () => void) {
      listeners.push([event, listener]);
      return raw;
    },
    once(event: string, listener: () => void) {
      listeners.push([event, listener]);
      return raw;
    },
    off(event: string, listener: () => void) {
      const index = listeners.findIndex(([name, fn]) => name === event && fn === listener);
      if (index !== -1) listeners.splice(index, 1);
      return raw;
    },
    /** Test helper: the client hangs up. */
    hangUp() {
      sent.destroyed = true;
      for (const [name, fn] of [...listeners]) if (name === 'close') fn();
    },
  };
  return { raw: raw as unknown as ServerResponse, sent };
}

/** A context for a fake request. */
export function fakeContext(options: Parameters<typeof fakeRequest>[0] = {}): { ctx: HttpContext; sent: FakeResponse; hangUp: () => void } {
  const req = fakeRequest(options);
  const { raw, sent } = fakeResponse(req);
  return { ctx: new HttpContext(req, raw), sent, hangUp: () => (raw as unknown as { hangUp(): void }).hangUp() };
}

/** Runs `guard` alone; true if it passed the request on. */
export async function passes(guard: Guard, ctx: HttpContext): Promise<boolean> {
  let passed = false;
  await compose([
    guard,
    () => {
      passed = true;
    },
  ])(ctx);
  return passed;
}

/** The HttpError `guard` refuses the request with (fails the test if it lets it through). */
export async function refusal(guard: Guard, ctx: HttpContext): Promise<HttpError> {
  try {
    await passes(guard, ctx);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('The guard let the request through');
}

/** Status, message, JSON-RPC code and headers of a refusal, for one comparison. */
export function summary(error: HttpError): { status: number; code: number; message: string; headers?: Record<string, string>; id?: string | number | null } {
  return { status: error.status, code: error.rpcCode, message: error.message, ...(error.headers ? { headers: { ...error.headers } } : {}), ...(error.id !== null ? { id: error.id } : {}) };
}
