// A client that names a protocol version must name one we speak; one that names none gets the
// default (the spec's rule for clients that predate the header).
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { Guard } from '../compose.js';
import { header } from '../context.js';
import { HttpError } from '../http-error.js';

const SUPPORTED = new Set(SUPPORTED_PROTOCOL_VERSIONS);
const LIST = SUPPORTED_PROTOCOL_VERSIONS.join(', ');

/** Refuses an MCP-Protocol-Version header we do not support with 400. */
export const protocolVersion: Guard = function protocolVersionGuard(ctx, next) {
  const version = header(ctx.req, 'mcp-protocol-version');
  if (version !== undefined && !SUPPORTED.has(version)) {
    throw new HttpError(400, `Bad Request: unsupported protocol version "${version}" (supported: ${LIST})`);
  }
  return next(ctx);
};
