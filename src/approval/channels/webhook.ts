// The webhook channel: tells someone elsewhere (Slack, a pager, a bot) that a call waits. It only
// informs; the decision comes back through the console API, so a webhook can never approve by itself.
import { createHmac } from 'node:crypto';
import type { WebhookConfig } from '../../config/types.js';
import type { ApprovalChannel, ChannelContext, ChannelHandle, ChannelRequest } from '../channel.js';
import { definitionSlackLines, escapeSlack, slackBlock, slackCode } from '../slack-text.js';
import { formatDuration, qualifiedTool } from '../ticket.js';
import type { TicketView } from '../types.js';

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

const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The JSON posted for a pending ticket; `text` makes it a valid Slack incoming-webhook message, with
 * every value the agent, an upstream or a config chose escaped as code (see slack-text.ts). The other
 * fields are plain JSON data for receivers that build their own message.
 */
export function webhookPayload(ticket: TicketView, options: { consoleUrl?: string; sentAt: number }) {
  const base = options.consoleUrl?.replace(/\/+$/, '');
  const reasons = ticket.reasons.map((r) => slackCode(r.message)).join('; ');
  const text = [
    `mcp-warden: agent ${slackCode(ticket.agent)} (${slackCode(ticket.environment)}) asks to call ${slackCode(qualifiedTool(ticket))}.`,
    reasons ? `Why: ${reasons}` : '',
    `Arguments: ${slackCode(JSON.stringify(ticket.arguments))}`,
    ...multiLineArguments(ticket.arguments),
    ...(ticket.definition ? definitionSlackLines(ticket.definition) : []),
    // The console URL is ours and the id is base32 (checked before it is used anywhere); the URL is
    // escaped all the same, as an operator-chosen host name is not ours.
    base ? `Approve or deny: ${escapeSlack(`${base}#ticket-${ticket.id}`)}` : `Approve or deny with: mcp-warden approvals approve ${ticket.id}`,
    `Denied automatically after ${formatDuration(ticket.expiresAt - ticket.createdAt)}.`,
  ].filter(Boolean).join('\n');
  return {
    type: 'mcp-warden.approval.asked',
    // Inside the signed body, so a captured request cannot be replayed later as a new one.
    sent_at: new Date(options.sentAt).toISOString(),
    text,
    ticket,
    ...(base
      ? {
          console_url: `${base}#ticket-${ticket.id}`,
          approve_url: `${base}/api/tickets/${ticket.id}/approve`,
          deny_url: `${base}/api/tickets/${ticket.id}/deny`,
        }
      : {}),
  };
}

/**
 * Each top-level string argument that spans lines, again as a text block, as the console card shows
 * it: a script or a file's content is unreadable as one escaped JSON line. The JSON above stays the
 * exact record; this is only for reading.
 */
function multiLineArguments(args: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(args).flatMap(([key, value]) => {
    if (typeof value !== 'string' || !value.includes('\n')) return [];
    const lines = value.split('\n').length;
    return [`${slackCode(key)} as text, ${lines} lines:`, slackBlock(value)];
  });
}

/** `sha256=<hex HMAC-SHA256 of body with secret>`, the X-Warden-Signature value. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs the ticket to one webhook; throws with a message naming the URL when it fails. */
export async function postWebhook(
  hook: WebhookConfig,
  ticket: TicketView,
  options: { consoleUrl?: string; now: number; signal?: AbortSignal; timeoutMs?: number },
): Promise<void> {
  const body = JSON.stringify(webhookPayload(ticket, { sentAt: options.now, ...(options.consoleUrl ? { consoleUrl: options.consoleUrl } : {}) }));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'mcp-warden',
    'x-warden-timestamp': String(Math.floor(options.now / 1000)),
  };
  if (hook.secret) headers['x-warden-signature'] = signWebhookBody(body, hook.secret);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(hook.url, { method: 'POST', headers, body, signal, redirect: 'error' });
  } catch (error) {
    throw new Error(`Webhook "${redactUrl(hook.url)}" could not be reached: ${(error as Error).message}`, { cause: error });
  }
  // Only the status matters; a body that fails to cancel has nothing left to tell us.
  await response.body?.cancel().catch(() => {});
  if (!response.ok) throw new Error(`Webhook "${redactUrl(hook.url)}" answered HTTP ${response.status}`);
}

/** Slack webhook URLs carry their secret in the path; messages name the host only. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return 'invalid URL';
  }
}
