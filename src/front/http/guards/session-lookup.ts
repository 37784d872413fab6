// Which session a request is for. A missing session id is 400; an unknown one, or another agent's,
// is 404 (so a stolen id tells nothing). Within a session, ids still in flight may not be reused.
import type { Guard } from '../compose.js';
import { header, type HttpContext } from '../context.js';
import { HttpError } from '../http-error.js';
import type { HttpSessions } from '../sessions.js';

/** For GET and DELETE: sets `ctx.endpoint` to the agent's session named by Mcp-Session-Id. */
export function requiredSession(sessions: HttpSessions): Guard {
  return function requiredSessionGuard(ctx, next) {
    const id = header(ctx.req, 'mcp-session-id');
    if (id === undefined) throw new HttpError(400, 'Bad Request: the Mcp-Session-Id header is required');
    lookUp(sessions, ctx, id);
    return next(ctx);
  };
}

/**
 * For POST: a request naming a session must be the agent's, must not initialize it again, and may
 * not reuse an id still in flight (409, with that id). A request naming none is an initialize.
 */
export function namedSession(sessions: HttpSessions): Guard {
  return function namedSessionGuard(ctx, next) {
    const id = header(ctx.req, 'mcp-session-id');
    if (id === undefined) return next(ctx);
    const endpoint = lookUp(sessions, ctx, id);
    if (ctx.initialize) throw new HttpError(400, 'Invalid Request: this session is already initialized');
    const duplicate = duplicateId(ctx.messages, endpoint);
    if (duplicate !== undefined) throw new HttpError(409, `Duplicate request id "${String(duplicate)}" is still in flight`, { id: duplicate });
    return next(ctx);
  };
}

function lookUp(sessions: HttpSessions, ctx: HttpContext, id: string): NonNullable<HttpContext['endpoint']> {
  const endpoint = sessions.get(id, ctx.agent);
  if (!endpoint) throw new HttpError(404, 'Session not found');
  ctx.sessionId = id;
  ctx.endpoint = endpoint;
  return endpoint;
}

/** The first request id still in flight, else the first one the batch itself repeats. */
export function duplicateId(messages: HttpContext['messages'], session: { isInFlight(id: string | number): boolean }): string | number | undefined {
  for (const message of messages) {
    if ('method' in message && 'id' in message && message.id !== undefined && session.isInFlight(message.id)) return message.id;
  }
  if (messages.length === 1) return undefined;
  const seen = new Set<string | number>();
  for (const message of messages) {
    if (!('method' in message) || !('id' in message) || message.id === undefined) continue;
    if (seen.has(message.id)) return message.id;
    seen.add(message.id);
  }
  return undefined;
}
