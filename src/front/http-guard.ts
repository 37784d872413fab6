// The checks behind the HTTP front's first guards (http/guards/): Host and Origin against DNS
// rebinding, and the bearer token that names the agent.
import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../http-host.js';

export { hostAllowed, isLoopbackHost } from '../http-host.js';

/** A browser's Origin, when present, must be a loopback origin or a configured one. */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/** Maps tokens to agents and compares in constant time (hashing first makes lengths equal). */
export class TokenTable {
  #entries: Array<{ digest: Buffer; agent: string }>;

  constructor(tokens: Record<string, string | undefined>) {
    this.#entries = digests(tokens);
  }

  /** Swaps in the tokens of a reloaded config; requests from now on are checked against these only. */
  replace(tokens: Record<string, string | undefined>): void {
    this.#entries = digests(tokens);
  }

  /** The agent whose token is presented in `Authorization: Bearer …`, or undefined. */
  agentFor(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = sha256(match[1]!);
    let found: string | undefined;
    // Compare with every entry, without stopping early, so timing does not tell which one matched.
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, presented) && found === undefined) found = entry.agent;
    }
    return found;
  }
}

function digests(tokens: Record<string, string | undefined>): Array<{ digest: Buffer; agent: string }> {
  return Object.entries(tokens)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].length > 0)
    .map(([agent, token]) => ({ agent, digest: sha256(token) }));
}

/** Node's one-shot hash (20.12 and later) does without a Hash object per request. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

function sha256(value: string): Buffer {
  return oneShot ? oneShot('sha256', value, 'buffer') : createHash('sha256').update(value).digest();
}
