// The edge of the HTTP front: the one place a thrown error becomes a response. An HttpError is the
// client's fault and says so; anything else is ours, is logged, and the client is told only that.
import type { ServerResponse } from 'node:http';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { HttpError } from './http-error.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

/** Sends a JSON-RPC error body with `status`; ends the response quietly if headers already went out. */
export function sendJsonRpcError(res: ServerResponse, status: number, body: { code: number; message: string; id: string | number | null }, headers?: Readonly<Record<string, string>>): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, headers ? { ...headers, ...JSON_HEADERS } : JSON_HEADERS).end(JSON.stringify({ jsonrpc: '2.0', error: { code: body.code, message: body.message }, id: body.id }));
}

/** Answers `res` for `error` thrown by a guard or handler; `log` gets anything that is not an HttpError. */
export function respondWithError(res: ServerResponse, error: unknown, log: (line: string) => void): void {
  if (error instanceof HttpError) {
    sendJsonRpcError(res, error.status, { code: error.rpcCode, message: error.message, id: error.id }, error.headers);
    // A refusal that closes the connection (a body over the cap) must not read the rest of the body.
    if (error.headers?.Connection === 'close') res.req.socket.destroySoon();
    return;
  }
  log(`HTTP front: ${(error as Error | undefined)?.stack ?? String(error)}`);
  sendJsonRpcError(res, 500, { code: ErrorCode.InternalError, message: 'Internal error in mcp-warden', id: null });
}
