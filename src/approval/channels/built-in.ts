// The channels mcp-warden ships, in the order they are opened for a ticket.
import type { ApprovalConfig } from '../../config/types.js';
import type { ApprovalChannel } from '../channel.js';
import { consoleChannel } from './console.js';
import { elicitationChannel } from './elicitation.js';
import { webhookChannel } from './webhook.js';

/** Elicitation, console and webhook for one gateway; each decides per request whether it applies. */
export function builtInChannels(config: ApprovalConfig, options: { consoleUrl?: string | (() => string | undefined) } = {}): ApprovalChannel[] {
  return [
    elicitationChannel(),
    consoleChannel(),
    webhookChannel({ ...(config.webhook ? { webhook: config.webhook } : {}), ...(options.consoleUrl ? { consoleUrl: options.consoleUrl } : {}) }),
  ];
}
