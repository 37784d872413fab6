// The in-memory twin of a stdio upstream for fast tests: a real SDK server on a linked pair of
// in-memory transports, behind the same ClientUpstream as every other kind.
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ClientUpstream, type ClientUpstreamOptions } from './client-upstream.js';

export type MemoryUpstreamOptions = Omit<ClientUpstreamOptions, 'id' | 'connectTransport'>;

/** An Upstream whose server is made by `makeServer`, called anew for each (re)connect. */
export function createMemoryUpstream(id: string, makeServer: () => McpServer | Server, options: MemoryUpstreamOptions = {}): ClientUpstream {
  return new ClientUpstream({
    target: 'the in-memory server',
    ...options,
    id,
    connectTransport: async () => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await makeServer().connect(serverSide);
      return clientSide;
    },
  });
}
