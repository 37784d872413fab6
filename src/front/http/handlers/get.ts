// GET /mcp: the session's one stream for messages not tied to a request (list_changed, logs).
import type { Guard } from '../compose.js';
import { HttpError } from '../http-error.js';
import type { HttpSessions } from '../sessions.js';

/** Opens the session's GET stream; a second one while it is open is 409. */
export function openStream(sessions: HttpSessions): Guard {
  return function openStreamHandler(ctx) {
    const endpoint = ctx.endpoint!;
    if (endpoint.hasStream) throw new HttpError(409, 'Conflict: this session already has a GET stream open');
    sessions.openStream(endpoint, ctx.res);
  };
}
