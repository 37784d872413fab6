// The approval console's HTTP routes under /approvals: the page, and the JSON API the page, webhook
// receivers and scripts use. Mountable in any node:http server; every answer goes through the store,
// so the first one wins across all gateways.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, challengeProof, hostAllowed, loginCookie, originAllowed, tokenMatches, type ConsoleAccess } from './console-auth.js';
import { consolePage } from './console-page.js';
import { randomBytes } from 'node:crypto';
import { ownerText } from './owner-text.js';
import { describeDecision } from './ticket.js';
import type { Clock, TicketAnswer, TicketStore, TicketView } from './types.js';

export interface ConsoleHandlerOptions extends ConsoleAccess {
  store: TicketStore;
  clock?: Clock;
  /** Largest request body in bytes (default 16 KiB). */
  maxBodyBytes?: number;
  /** Decided tickets returned as history (default 100). */
  historyLimit?: number;
}

/** Handles a request if its path is under /approvals and returns true; returns false for any other path. */
export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const TICKET_ROUTE = /^\/approvals\/api\/tickets\/([^/]+)(?:\/(approve|deny))?$/;

/** The console as a request handler for paths under /approvals. */
export function createConsoleHandler(options: ConsoleHandlerOptions): ConsoleHandler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/approvals' && !url.pathname.startsWith('/approvals/')) return false;
    handle(req, res, url, options).catch((error: Error) => {
      // The store failed, not the client: say so without the details.
      if (!res.headersSent) sendJson(res, 500, { error: 'The approval console failed to handle this request; see the gateway log' });
      else res.end();
      process.emitWarning(`Approval console: ${error.message}`);
    });
    return true;
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, url: URL, options: ConsoleHandlerOptions): Promise<void> {
  setCommonHeaders(res);
  if (!hostAllowed(req, options)) {
    return sendJson(res, 403, { error: `Host "${req.headers.host ?? ''}" is not allowed: open the console through 127.0.0.1 or localhost` });
  }
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/approvals/api/ping') {
    // A gateway finding a console on its port proves it is ours before it hands anyone the token.
    const nonce = url.searchParams.get('challenge');
    const proof = nonce === null ? undefined : challengeProof(options.token, nonce);
    return sendJson(res, 200, { service: 'mcp-warden-approvals', ...(proof ? { proof } : {}) });
  }

  if (path === '/approvals') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: `Method "${req.method}" is not allowed here` });
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!tokenMatches(offered, options.token)) return sendHtml(res, 401, unauthorizedPage('The token in this link is wrong'));
      // Swap the token in the address bar for a cookie, so it stays out of history and screenshots.
      res.writeHead(303, { 'set-cookie': loginCookie(options.token), location: '/approvals' });
      return void res.end();
    }
    if (!authenticate(req, options)) return sendHtml(res, 401, unauthorizedPage('This page needs the console token'));
    const nonce = randomBytes(16).toString('base64');
    res.setHeader(
      'content-security-policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
    );
    return sendHtml(res, 200, consolePage(nonce));
  }

  if (!path.startsWith('/approvals/api/')) return sendJson(res, 404, { error: `No console page at "${url.pathname}"` });
  const auth = authenticate(req, options);
  if (!auth) {
    return sendJson(res, 401, {
      error: 'Missing or wrong approval console token: open the console with the link printed at start-up, or send "Authorization: Bearer TOKEN" with the token from the console-token file in the approvals directory',
    });
  }

  if (path === '/approvals/api/tickets') {
    if (req.method !== 'GET') return sendJson(res, 405, { error: `Method "${req.method}" is not allowed on "${path}"` });
    return sendJson(res, 200, await listing(options));
  }
  const match = TICKET_ROUTE.exec(path);
  if (!match) return sendJson(res, 404, { error: `No API route "${url.pathname}"` });
  const id = decodeURIComponent(match[1]!);
  const action = match[2] as 'approve' | 'deny' | undefined;
  if (!action) {
    if (req.method !== 'GET') return sendJson(res, 405, { error: `Method "${req.method}" is not allowed on "${path}"` });
    const ticket = await options.store.get(id);
    return ticket ? sendJson(res, 200, { ticket }) : sendJson(res, 404, { error: unknownTicket(id) });
  }

  if (req.method !== 'POST') return sendJson(res, 405, { error: `Use POST to ${action} a ticket` });
  if (!originAllowed(req, options)) {
    return sendJson(res, 403, { error: `Origin "${req.headers.origin ?? ''}" may not answer tickets: answer from the console page itself` });
  }
  const body = await readJsonBody(req, options.maxBodyBytes ?? 16 * 1024);
  if ('error' in body) return sendJson(res, body.status, { error: body.error });
  const answer = answerFrom(action, body.value, auth);
  if (typeof answer === 'string') return sendJson(res, 400, { error: answer });

  const result = await options.store.decide(id, answer);
  if (result.ok) return sendJson(res, 200, { ticket: result.ticket });
  if (result.problem === 'unknown') return sendJson(res, 404, { error: unknownTicket(id) });
  if (result.problem === 'orphaned') {
    return sendJson(res, 409, { error: `Ticket "${id}" was not answered: the gateway that asked is no longer running, so nobody waits for this call`, ticket: result.ticket });
  }
  if (result.problem === 'expired') return sendJson(res, 409, { error: `Ticket "${id}" expired before this answer arrived; the call was denied`, ticket: result.ticket });
  return sendJson(res, 409, { error: `Ticket "${id}" was already decided: ${describeDecision(result.ticket)}`, ticket: result.ticket });
}

async function listing(options: ConsoleHandlerOptions): Promise<{ pending: Array<TicketView & { where?: string }>; history: TicketView[] }> {
  const tickets = await options.store.list();
  // `where`: the replica (or host) holding the session that asked, worded once here for the card.
  const pending = tickets
    .filter((t) => t.state === 'pending')
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((t) => (t.owner ? { ...t, where: ownerText(t.owner) } : t));
  const history = tickets
    .filter((t) => t.state !== 'pending')
    .sort((a, b) => (b.decidedAt ?? b.createdAt) - (a.decidedAt ?? a.createdAt))
    .slice(0, options.historyLimit ?? 100);
  return { pending, history };
}

/** The answer a request body asks for, or a message saying what is wrong with it. */
function answerFrom(action: 'approve' | 'deny', body: Record<string, unknown>, auth: 'bearer' | 'cookie'): TicketAnswer | string {
  const { remember, trust, reason, by, via } = body;
  if (remember !== undefined && typeof remember !== 'boolean') return 'Field "remember" must be true or false';
  if (trust !== undefined && typeof trust !== 'boolean') return 'Field "trust" must be true or false';
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 1000)) return 'Field "reason" must be a string of at most 1000 characters';
  if (by !== undefined && (typeof by !== 'string' || by.length > 100)) return 'Field "by" must be a string of at most 100 characters';
  // A webhook receiver (a chat bot) answers with the token and says so, so the audit log shows the path.
  if (via !== undefined && !(via === 'webhook' && auth === 'bearer')) return 'Field "via" may only be "webhook", and only with a bearer token';
  const channel = via === 'webhook' ? 'webhook' : 'console';
  const who = typeof by === 'string' && by.trim() ? { by: by.trim() } : {};
  if (action === 'approve') return { state: 'approved', channel, ...who, ...(remember ? { remember: true } : {}), ...(trust ? { trust: true } : {}) };
  const text = typeof reason === 'string' && reason.trim() ? reason.trim() : 'No reason given';
  return { state: 'denied', channel, ...who, reason: text };
}

async function readJsonBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ value: Record<string, unknown> } | { error: string; status: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return { error: `Request body is larger than ${limit} bytes`, status: 413 };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return { value: {} };
  // Only JSON: an HTML form cannot send it without a preflight, which closes the CSRF door twice.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return { error: 'Request body must be JSON with "Content-Type: application/json"', status: 415 };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'Request body must be a JSON object', status: 400 };
    return { value: value as Record<string, unknown> };
  } catch {
    return { error: 'Request body is not valid JSON', status: 400 };
  }
}

function unknownTicket(id: string): string {
  return `No approval ticket "${id}": it does not exist or was removed from the history`;
}

function unauthorizedPage(why: string): string {
  return `<!doctype html><meta charset="utf-8"><title>mcp-warden approvals</title><h1>mcp-warden approvals</h1><p>${why}. Open the console with the link the gateway printed at start-up (it ends in <code>?token=…</code>).</p>`;
}

function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}
