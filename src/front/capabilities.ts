// Which agent requests and which of our notifications the announced capabilities allow, by the SDK
// Server's rules: a request for something not announced is Method not found, a notification for it
// is not sent.
import type { ClientCapabilities, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

/** Whether `method` is served under `caps`; false also for methods we do not serve at all. */
export function serves(caps: ServerCapabilities, method: string): boolean {
  switch (method) {
    case 'tools/list':
    case 'tools/call':
      return Boolean(caps.tools);
    case 'resources/list':
    case 'resources/templates/list':
    case 'resources/read':
      return Boolean(caps.resources);
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return Boolean(caps.resources?.subscribe);
    case 'prompts/list':
    case 'prompts/get':
      return Boolean(caps.prompts);
    case 'completion/complete':
      return Boolean(caps.completions);
    case 'logging/setLevel':
      return Boolean(caps.logging);
    default:
      return false;
  }
}

/** Throws as the SDK Server did when a notification needs a capability that was not announced. */
export function assertMayNotify(caps: ServerCapabilities, client: ClientCapabilities | undefined, method: string): void {
  switch (method) {
    case 'notifications/message':
      if (!caps.logging) throw new Error(`Server does not support logging (required for ${method})`);
      break;
    case 'notifications/resources/updated':
    case 'notifications/resources/list_changed':
      if (!caps.resources) throw new Error(`Server does not support notifying about resources (required for ${method})`);
      break;
    case 'notifications/tools/list_changed':
      if (!caps.tools) throw new Error(`Server does not support notifying of tool list changes (required for ${method})`);
      break;
    case 'notifications/prompts/list_changed':
      if (!caps.prompts) throw new Error(`Server does not support notifying of prompt list changes (required for ${method})`);
      break;
    case 'notifications/elicitation/complete':
      if (!client?.elicitation?.url) throw new Error(`Client does not support URL elicitation (required for ${method})`);
      break;
  }
}
