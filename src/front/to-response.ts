// The edge where our one error family becomes what MCP clients understand: a refused or failed tool
// call is an isError result the model can read; protocol problems are JSON-RPC errors. Internal
// details never reach the agent; they go to the operator's log.
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isWardenError } from '../errors.js';
import type { RpcErrorShape } from '../jsonrpc/types.js';

/** A JSON-RPC error whose message goes to the agent exactly as written (no "MCP error" prefix). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

/**
 * The one conversion of a failed agent request into its JSON-RPC error: the code, message and data
 * the SDK's Protocol sent for the same throw, but without the "MCP error <code>: " prefix an McpError
 * carries in its message. The agent's client adds that prefix itself, so sending it (as the SDK's
 * servers do) makes the model read "MCP error -32602: MCP error -32602: …".
 */
export function toRpcError(error: unknown, log: (message: string) => void): RpcErrorShape {
  const converted = error instanceof ProtocolError ? error : toMcpError(error, log);
  return { code: converted.code, message: stripPrefix(converted.message), ...(converted.data !== undefined && { data: converted.data }) };
}

/** Converts a failure of a tools/call into a result or a JSON-RPC error (thrown). */
export function callFailure(error: unknown, log: (message: string) => void): CallToolResult {
  if (isWardenError(error)) {
    switch (error.code) {
      case 'CALL_DENIED':
      case 'UPSTREAM_EXITED':
      case 'UPSTREAM_TIMEOUT':
      case 'UPSTREAM_UNAVAILABLE':
      case 'UPSTREAM_ANSWER_REFUSED':
      case 'APPROVAL_DENIED':
      case 'APPROVAL_EXPIRED':
        return { content: [{ type: 'text', text: agentText(error) }], isError: true };
      default:
        throw toMcpError(error, log);
    }
  }
  throw toMcpError(error, log);
}

/** Converts any failure of a non-tool request into a JSON-RPC error. */
export function toMcpError(error: unknown, log: (message: string) => void): McpError {
  if (error instanceof McpError) return error;
  if (isWardenError(error)) {
    switch (error.code) {
      case 'TOOL_NOT_FOUND':
      case 'BAD_INPUT':
        return new McpError(ErrorCode.InvalidParams, agentText(error));
      // A refused resource read, prompt or completion: the agent's fault to fix, with the reason.
      case 'CALL_DENIED':
      case 'APPROVAL_DENIED':
      case 'APPROVAL_EXPIRED':
        return new McpError(ErrorCode.InvalidRequest, agentText(error));
      case 'UPSTREAM_ERROR':
        // The upstream's own JSON-RPC error is its answer to the agent: forward code and message.
        if (error.cause instanceof McpError) return new McpError(error.cause.code, stripPrefix(error.cause.message), error.cause.data);
        return new McpError(ErrorCode.InternalError, error.message);
      case 'CANCELLED':
        return new McpError(ErrorCode.RequestTimeout, 'Request was cancelled');
      default:
        return new McpError(ErrorCode.InternalError, agentText(error));
    }
  }
  log(`Internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new McpError(ErrorCode.InternalError, 'Internal error in mcp-warden');
}

/** The error's text for the agent; errors from other copies of the module may lack `agentMessage`. */
function agentText(error: { message: string; agentMessage?: string }): string {
  return error.agentMessage ?? error.message;
}

/**
 * McpError prefixes "MCP error <code>: ", and every SDK hop adds one more (an upstream's SDK server
 * sends it, our SDK client adds another); the agent's own client adds the one it reads.
 */
function stripPrefix(message: string): string {
  return message.replace(/^(MCP error -?\d+: )+/, '');
}
