// The edge of the HTTP front: the one place a thrown error becomes a response. An HttpError is the
// client's fault and says so; anything else is ours, is logged, and the client is told only that.
import type { ServerResponse } from 'node:http';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { HttpError } from './http-error.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

/** What a refusal sends: the status, extra headers, and the JSON-RPC error with the id it is about. */
export interface ErrorAnswer {
  status: number;
  code: number;
  message: string;
  id: string | number | null;
  headers?: Readonly<Record<string, string>> | undefined;
}

/** Sends a JSON-RPC error body; ends the response quietly if headers already went out. */
export function sendJsonRpcError(res: ServerResponse, answer: ErrorAnswer): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res
    .writeHead(answer.status, answer.headers ? { ...answer.headers, ...JSON_HEADERS } : JSON_HEADERS)
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code: answer.code, message: answer.message }, id: answer.id }));
}

const INTERNAL: ErrorAnswer = { status: 500, code: ErrorCode.InternalError, message: 'Internal error in mcp-warden', id: null };

/** The edge handler: answers `res` for an error a guard or handler threw; `log` gets anything not an HttpError. */
export function errorResponder(log: (line: string) => void): (res: ServerResponse, error: unknown) => void {
  return (res, error) => {
    if (error instanceof HttpError) {
      sendJsonRpcError(res, { status: error.status, code: error.rpcCode, message: error.message, id: error.id, headers: error.headers });
      // A refusal that closes the connection (a body over the cap) must not read the rest of the body.
      if (error.headers?.Connection === 'close') res.req.socket.destroySoon();
      return;
    }
    log(`HTTP front: ${(error as Error | undefined)?.stack ?? String(error)}`);
    sendJsonRpcError(res, INTERNAL);
  };
}
