// POST /mcp once every guard passed: messages for an open session go to it; an initialize opens one.
import type { Guard } from '../compose.js';
import type { HttpSessions } from '../sessions.js';

/** Hands the POST to its session, opening the session first for an initialize. */
export function postMessages(sessions: HttpSessions): Guard {
  return async function postMessagesHandler(ctx) {
    let endpoint = ctx.endpoint;
    if (!endpoint) {
      // The initialize guard set the params whenever no session is named.
      endpoint = await sessions.open(ctx.res, { agent: ctx.agent, initialize: ctx.initializeParams! });
      // Nobody is left to answer: the client hung up, or the front is closing its connections.
      if (!endpoint) return;
    }
    sessions.post(endpoint, ctx.res, ctx.messages);
  };
}
