// The one error the HTTP front's guards and handlers throw to refuse a request. It is a WardenError
// (the family every layer shares) that also knows its HTTP status; respond.ts turns it into the
// response, once, at the edge.
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { WardenError } from '../../errors.js';

export interface HttpErrorOptions {
  /** The JSON-RPC error code in the body; InvalidRequest unless the body could not be parsed. */
  code?: number;
  /** Headers the status needs: WWW-Authenticate, Retry-After, Allow, Connection: close. */
  headers?: Readonly<Record<string, string>>;
  /** The id of the request refused, when the refusal is about one request (a duplicate id). */
  id?: string | number;
}

/** A refusal with its HTTP status; `message` is sent to the client as the JSON-RPC error message. */
export class HttpError extends WardenError {
  readonly status: number;
  readonly rpcCode: number;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly id: string | number | null;

  constructor(status: number, message: string, options: HttpErrorOptions = {}) {
    super('BAD_INPUT', message);
    this.status = status;
    this.rpcCode = options.code ?? ErrorCode.InvalidRequest;
    this.headers = options.headers;
    this.id = options.id ?? null;
  }
}
