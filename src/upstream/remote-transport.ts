// Transports for remote upstreams: Streamable HTTP, and legacy HTTP+SSE for older servers.
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export interface RemoteTransportOptions {
  url: string;
  transport: 'http' | 'sse';
  /** Sent with every request: each POST, and for SSE the GET that opens the event stream too. */
  headers?: Record<string, string>;
}

/** Makes a fresh, unstarted transport to a remote server; one per connection attempt. */
export function createRemoteTransport(options: RemoteTransportOptions): Transport {
  const url = new URL(options.url);
  const requestInit: RequestInit = { headers: { ...options.headers } };
  if (options.transport === 'sse') {
    // The SDK merges requestInit headers into the EventSource GET as well as the POSTs.
    return new SSEClientTransport(url, { requestInit });
  }
  return new StreamableHTTPClientTransport(url, { requestInit });
}
