// The Host check shared by the HTTP front and the approval console: a request must name this
// machine's loopback (or a configured host), so a DNS-rebinding page cannot reach either.
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostname(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.replace(/:\d+$/, '');
}

/** Whether the Host header names loopback or one of `allowedHosts` (with or without its port). */
export function hostAllowed(req: IncomingMessage, allowedHosts: readonly string[]): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const name = hostname(host.toLowerCase());
  return isLoopbackHost(name) || allowedHosts.some((allowed) => allowed.toLowerCase() === host.toLowerCase() || allowed.toLowerCase() === name);
}
