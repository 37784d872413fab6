// The approval console on its own port, for gateways that serve stdio. Several gateways may try the
// same port: the first serves it, and the others find a console of the same shared store already there.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WardenError } from '../errors.js';
import { proofMatches } from './console-auth.js';
import { createConsoleHandler, type ConsoleHandlerOptions } from './console-handler.js';

export interface StartConsoleOptions extends ConsoleHandlerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

export interface RunningConsole {
  /** `http://127.0.0.1:8788/approvals` */
  url: string;
  /** `url` with `?token=…`: the link a person opens once. */
  loginUrl: string;
  port: number;
  /** True when another gateway already served a console on that port; `close` then does nothing. */
  reused: boolean;
  close(): Promise<void>;
}

/** Starts the console on host:port, or reuses another gateway's console already listening there. */
export async function startConsole(options: StartConsoleOptions): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  const handler = createConsoleHandler(options);
  const server = createServer((req, res) => {
    if (handler(req, res)) return;
    if (req.url === '/' || req.url === '') {
      res.writeHead(302, { location: '/approvals' });
      return void res.end();
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: `No console page at "${req.url}"; the console is at /approvals` }));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && options.port) {
      const url = consoleUrl(host, options.port);
      const found = await provesToken(url, options.token);
      if (found === 'ours') return { url, loginUrl: loginUrl(url, options.token), port: options.port, reused: true, close: async () => {} };
      const what =
        found === 'impostor'
          ? 'a program there answers like an approval console but cannot prove it holds this user\'s console token, so it was not given the token'
          : 'another program uses that port';
      throw new WardenError('BAD_INPUT', `Cannot start the approval console on "${host}:${options.port}": ${what}; choose another console port`, { cause: error });
    }
    throw new WardenError('BAD_INPUT', `Cannot start the approval console on "${host}:${options.port ?? 0}": ${(error as Error).message}`, { cause: error });
  }
  const port = (server.address() as AddressInfo).port;
  const url = consoleUrl(host, port);
  let closing: Promise<void> | undefined;
  return {
    url,
    loginUrl: loginUrl(url, options.token),
    port,
    reused: false,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** The console's base URL on host:port. */
export function consoleUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/approvals`;
}

function loginUrl(url: string, token: string): string {
  return `${url}?token=${encodeURIComponent(token)}`;
}

/**
 * Whether the console on `url` is one of ours: it must answer a fresh nonce with its HMAC under the
 * token of our state directory. The token itself is never sent, so a process squatting the port
 * learns nothing, and no link to it is printed.
 */
async function provesToken(url: string, token: string): Promise<'ours' | 'impostor' | 'other'> {
  const nonce = randomBytes(32).toString('hex');
  let body: { service?: unknown; proof?: unknown };
  try {
    const response = await fetch(`${url}/api/ping?challenge=${nonce}`, { signal: AbortSignal.timeout(2000), redirect: 'error' });
    body = (await response.json()) as typeof body;
  } catch {
    return 'other';
  }
  if (body?.service !== 'mcp-warden-approvals') return 'other';
  return proofMatches(body.proof, nonce, token) ? 'ours' : 'impostor';
}
