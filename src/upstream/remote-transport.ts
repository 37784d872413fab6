// Transports for remote upstreams: Streamable HTTP, and legacy HTTP+SSE for older servers. Their
// modules (with OAuth, eventsource and fetch helpers) are loaded on first use: a gateway with only
// stdio servers never needs them, and every module loaded stays in memory for the process's life.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export interface RemoteTransportOptions {
  url: string;
  transport: 'http' | 'sse';
  /** Sent with every request: each POST, and for SSE the GET that opens the event stream too. */
  headers?: Record<string, string>;
}

/** Makes a fresh, unstarted transport to a remote server; one per connection attempt. */
export async function createRemoteTransport(options: RemoteTransportOptions): Promise<Transport> {
  const url = new URL(options.url);
  const requestInit: RequestInit = { headers: { ...options.headers } };
  if (options.transport === 'sse') {
    const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
    // The SDK merges requestInit headers into the EventSource GET as well as the POSTs.
    return new SSEClientTransport(url, { requestInit });
  }
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  return new StreamableHTTPClientTransport(url, { requestInit });
}
