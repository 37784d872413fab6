// DELETE /mcp: the client ends its session; its upstreams close with it.
import type { Guard } from '../compose.js';
import type { HttpSessions } from '../sessions.js';

/** Closes the session named by the request, then answers 200. */
export function endSession(sessions: HttpSessions): Guard {
  return async function endSessionHandler(ctx) {
    await sessions.close(ctx.sessionId!);
    ctx.res.writeHead(200).end();
  };
}
