// The /metrics listener: its own port, never the agents' one, so an agent's token can never read
// the fleet's counts and a scraper never needs an agent token. Only GET /metrics is served.
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { WardenError } from '../errors.js';

export interface MetricsServer {
  /** `http://HOST:PORT/metrics`, with the port actually bound. */
  url: string;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** When set, a scrape must send `Authorization: Bearer TOKEN`. */
  token?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Listens for scrapes of `registry`. Refuses a non-loopback address without a token. */
export async function startMetricsServer(registry: Registry, options: MetricsServerOptions): Promise<MetricsServer> {
  if (!options.token && !LOOPBACK.has(options.host)) {
    throw new WardenError(
      'BAD_INPUT',
      `Option "--metrics" listens on "${options.host}", beyond this machine, and metrics.token is not set; set metrics.token in gateway.yaml or listen on 127.0.0.1`,
    );
  }
  const expected = options.token === undefined ? undefined : Buffer.from(`Bearer ${options.token}`);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' }).end('A valid metrics token is required\n');
        return;
      }
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Metrics could not be collected\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new WardenError('BAD_INPUT', `Cannot listen for metrics on ${options.host}:${options.port}: ${error.message}`, { cause: error })));
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}/metrics`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
