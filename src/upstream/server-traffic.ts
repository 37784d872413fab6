// What an upstream server sends on its own: notifications and requests to the client, handed to
// the hooks of whoever owns the connection (the agent's session).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CancelledNotificationSchema, ErrorCode, McpError, type ClientResult, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamHooks } from './types.js';

/**
 * Routes server→client traffic of `client` to `hooks`; must be called before connect. The SDK
 * keeps ping, progress and cancellation; everything else goes through the fallback handlers,
 * which skip the SDK's capability assertions. With no onRequest hook a request gets method-not-found.
 */
export function wireServerTraffic(client: Client, hooks: UpstreamHooks): void {
  client.fallbackNotificationHandler = async (notification) => {
    hooks.onNotification?.({ method: notification.method, params: notification.params });
  };

  // The SDK ignores notifications/cancelled for request id 0 (`if (!requestId) return`), and an
  // SDK server's first request to us has id 0; so requests get abort signals of our own.
  const pending = new Map<RequestId, AbortController>();
  client.setNotificationHandler(CancelledNotificationSchema, (notification) => {
    const { requestId, reason } = notification.params;
    if (requestId !== undefined) pending.get(requestId)?.abort(reason);
    // Keep the SDK's own bookkeeping (it suppresses the response of a cancelled request).
    (client as unknown as { _oncancel?: (n: typeof notification) => void })._oncancel?.(notification);
  });

  client.fallbackRequestHandler = async (incoming, extra) => {
    const { onRequest } = hooks;
    if (!onRequest) throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${incoming.method}`);
    const controller = new AbortController();
    const forward = (): void => controller.abort(extra.signal.reason);
    extra.signal.addEventListener('abort', forward, { once: true });
    pending.set(incoming.id, controller);
    try {
      const result = await onRequest({ method: incoming.method, params: incoming.params }, { signal: controller.signal });
      return result as ClientResult;
    } finally {
      pending.delete(incoming.id);
      extra.signal.removeEventListener('abort', forward);
    }
  };
}
