// The POST body: read up to the cap (without buffering past it), strict UTF-8, JSON, a batch of 1 to
// 100 messages, each a JSON-RPC 2.0 message of the shape the SDK can classify.
import type { IncomingMessage } from 'node:http';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isJsonRpcMessage } from '../../../jsonrpc/jsonrpc-shape.js';
import { decodeStrictUtf8 } from '../../../jsonrpc/json-lines.js';
import type { Guard } from '../compose.js';
import { HttpError } from '../http-error.js';

/** Messages one POST may carry (JSON-RPC batches; the SDK's limit too). */
export const MAX_BATCH = 100;

/** Sets `ctx.messages` (and `ctx.initialize`) from a body of at most `maxBytes`, or refuses it. */
export function jsonRpcBody(maxBytes: number): Guard {
  return async function jsonRpcBodyGuard(ctx, next) {
    const text = decodeStrictUtf8(await readBody(ctx.req, maxBytes));
    // Never repaired to U+FFFD: what would be checked is then not what the agent sent.
    if (text === undefined) throw new HttpError(400, 'Parse error: the body is not valid UTF-8', { code: ErrorCode.ParseError });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'Parse error: the body is not valid JSON', { code: ErrorCode.ParseError });
    }
    const messages: unknown[] = Array.isArray(body) ? body : [body];
    if (messages.length === 0 || messages.length > MAX_BATCH) throw new HttpError(400, `Invalid Request: a batch holds 1 to ${MAX_BATCH} messages`);
    let initialize: JSONRPCMessage | undefined;
    for (const message of messages) {
      if (!isJsonRpcMessage(message)) throw new HttpError(400, 'Invalid Request: the body is not a JSON-RPC 2.0 message');
      if (initialize === undefined && 'method' in message && message.method === 'initialize') initialize = message;
    }
    ctx.messages = messages as JSONRPCMessage[];
    ctx.initialize = initialize;
    return next(ctx);
  };
}

/**
 * Reads the whole body, refusing with 413 (and closing the connection, so the rest is never read)
 * once it passes `limit` bytes, or at once when Content-Length says it will.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    function stop(): void {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body is larger than ${limit} bytes`, { headers: { Connection: 'close' } });
}
