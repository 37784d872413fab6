// The webhook channel: posts each pending ticket to the configured webhooks (the payload and signing
// are in ../webhook.ts). It only informs; the answer comes back through the console API and the store.
import type { WebhookConfig } from '../../config/types.js';
import type { ApprovalChannel, ChannelContext, ChannelHandle, ChannelRequest } from '../channel.js';
import type { TicketView } from '../types.js';
import { postWebhook } from '../webhook.js';

export interface WebhookChannelOptions {
  /** `approval.webhook`, posted to only when the agent's channels list `webhook`. */
  webhook?: WebhookConfig;
  /** The console's base URL for links in the message; a function when known only after the console listens. */
  consoleUrl?: string | (() => string | undefined);
}

/** Posts to `approval.webhook` (when `webhook` is a configured channel) and to the agent's and environment's webhooks. */
export function webhookChannel(options: WebhookChannelOptions): ApprovalChannel {
  return {
    name: 'webhook',
    applies: (request: ChannelRequest): boolean => webhooksFor(request, options.webhook).length > 0,
    open(ticket: TicketView, context: ChannelContext): ChannelHandle {
      const hooks = webhooksFor(context.request, options.webhook);
      const consoleUrl = typeof options.consoleUrl === 'function' ? options.consoleUrl() : options.consoleUrl;
      const abort = new AbortController();
      let left = hooks.length;
      for (const hook of hooks) {
        postWebhook(hook, ticket, { now: context.now(), signal: abort.signal, ...(consoleUrl ? { consoleUrl } : {}) }).catch((error: unknown) => {
          const failure = error instanceof Error ? error : new Error(String(error));
          // One webhook down is worth an audit line; the channel is gone only when none was reached.
          if (--left > 0) context.report(failure);
          else context.fail(failure);
        });
      }
      return { withdraw: () => abort.abort() };
    },
  };
}

/**
 * `approval.webhook` when `webhook` is configured, then the request's own (the agent's and the
 * environment's, posted to whatever the channel list says), each URL once.
 */
function webhooksFor(request: ChannelRequest, configured: WebhookConfig | undefined): WebhookConfig[] {
  const all = [...(request.configured.includes('webhook') && configured ? [configured] : []), ...(request.options.webhooks ?? [])];
  const seen = new Set<string>();
  return all.filter((hook) => !seen.has(hook.url) && seen.add(hook.url));
}
