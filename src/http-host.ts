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
  return hostCheck(allowedHosts)(req.headers.host);
}

/**
 * `hostAllowed` for a fixed list, made once per server: the list is lower-cased once, and the last
 * Host allowed (a client sends the same one on every request) is remembered.
 */
export function hostCheck(allowedHosts: readonly string[]): (host: string | undefined) => boolean {
  const allowed = new Set(allowedHosts.map((value) => value.toLowerCase()));
  let lastAllowed: string | undefined;
  return (host) => {
    if (!host) return false;
    if (host === lastAllowed) return true;
    const lower = host.toLowerCase();
    const name = hostname(lower);
    const ok = isLoopbackHost(name) || allowed.has(lower) || allowed.has(name);
    if (ok) lastAllowed = host;
    return ok;
  };
}
