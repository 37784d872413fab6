// Who may use the approval console: a request must name a loopback host (so a DNS-rebinding page
// cannot reach it), carry the token or the cookie derived from it, and, when it changes anything,
// come from the console's own origin (so another site cannot make a logged-in browser approve).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostAllowed as sharedHostAllowed } from '../http-host.js';

export const COOKIE_NAME = 'mcp_warden_approvals';

export interface ConsoleAccess {
  token: string;
  /** Extra Host values accepted besides loopback names (config `http.allowed_hosts`). */
  allowedHosts?: string[];
  /** Extra Origin values accepted besides the console's own (config `http.allowed_origins`). */
  allowedOrigins?: string[];
}

/** The cookie value for a token: derived, so the cookie jar never holds the token itself. */
export function cookieValue(token: string): string {
  return createHmac('sha256', token).update('mcp-warden approval console cookie').digest('base64url');
}

/** The Set-Cookie header that logs a browser in. */
export function loginCookie(token: string): string {
  return `${COOKIE_NAME}=${cookieValue(token)}; HttpOnly; SameSite=Strict; Path=/approvals`;
}

/** Whether the Host header names this machine's loopback (or an allowed host). */
export function hostAllowed(req: IncomingMessage, access: ConsoleAccess): boolean {
  return sharedHostAllowed(req, access.allowedHosts ?? []);
}

/** Whether a state-changing request comes from the console's own page, or from a non-browser client. */
export function originAllowed(req: IncomingMessage, access: ConsoleAccess): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) {
    // Browsers send Origin on every cross-site POST; Sec-Fetch-Site backs that up where present.
    const site = req.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  return origin === `http://${req.headers.host}` || (access.allowedOrigins ?? []).includes(origin);
}

/** How the request proved it knows the token: 'bearer', 'cookie', or undefined for not at all. */
export function authenticate(req: IncomingMessage, access: ConsoleAccess): 'bearer' | 'cookie' | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ') && safeEqual(header.slice('Bearer '.length).trim(), access.token)) return 'bearer';
  const cookie = readCookie(req, COOKIE_NAME);
  if (cookie !== undefined && safeEqual(cookie, cookieValue(access.token))) return 'cookie';
  return undefined;
}

const CHALLENGE_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The console's answer to a challenge: HMAC-SHA256 of the nonce with the token. Only a holder of the
 * token can compute it, and the fixed prefix keeps it apart from the cookie, derived from the same key.
 */
export function challengeProof(token: string, nonce: string): string | undefined {
  if (!CHALLENGE_PATTERN.test(nonce)) return undefined;
  return createHmac('sha256', token).update(`mcp-warden approval console proof:${nonce}`).digest('base64url');
}

/** Whether `proof` answers `nonce` for `token`, in constant time. */
export function proofMatches(proof: unknown, nonce: string, token: string): boolean {
  const expected = challengeProof(token, nonce);
  return typeof proof === 'string' && expected !== undefined && safeEqual(proof, expected);
}

/** Whether `candidate` equals the token, in constant time. */
export function tokenMatches(candidate: string, token: string): boolean {
  return safeEqual(candidate, token);
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
