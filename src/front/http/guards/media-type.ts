// What the client must accept and send (MCP Streamable HTTP): a POST may be answered as JSON or as
// an SSE stream, so its client must accept both; a GET is a stream; a body is JSON.
import type { IncomingMessage } from 'node:http';
import type { Guard } from '../compose.js';
import { HttpError } from '../http-error.js';

/** Whether the Accept header admits `type` (wildcards included). */
export function accepts(req: IncomingMessage, type: string): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes(type) || accept.includes('*/*') || accept.includes(`${type.slice(0, type.indexOf('/'))}/*`);
}

/** A GET must accept text/event-stream (406). */
export const acceptsStream: Guard = function acceptsStreamGuard(ctx, next) {
  if (!accepts(ctx.req, 'text/event-stream')) throw new HttpError(406, 'Not Acceptable: the client must accept text/event-stream');
  return next(ctx);
};

/** A POST must accept both application/json and text/event-stream (406). */
export const acceptsJsonAndStream: Guard = function acceptsJsonAndStreamGuard(ctx, next) {
  if (!accepts(ctx.req, 'application/json') || !accepts(ctx.req, 'text/event-stream')) {
    throw new HttpError(406, 'Not Acceptable: the client must accept both application/json and text/event-stream');
  }
  return next(ctx);
};

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** A POST body must be declared application/json (415). */
export const jsonContentType: Guard = function jsonContentTypeGuard(ctx, next) {
  if (!JSON_TYPE.test(ctx.req.headers['content-type'] ?? '')) throw new HttpError(415, 'Unsupported Media Type: Content-Type must be application/json');
  return next(ctx);
};
