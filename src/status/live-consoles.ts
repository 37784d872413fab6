// The approval consoles that answer now: those served by running gateways. Every console of this user
// serves the same shared store, so any of them can answer any pending ticket. A stdio gateway that
// found another's console on its port only shares it: when that gateway exits, the console is gone
// although the sharer still runs.
import type { GatewayEntry } from './gateway-entry.js';

/** The distinct console base URLs that a gateway of `gateways` serves itself. */
export function liveConsoles(gateways: readonly GatewayEntry[]): string[] {
  return [...new Set(gateways.flatMap((gateway) => (gateway.console && !gateway.console.shared ? [gateway.console.url] : [])))];
}

/** Whether `gateway`'s console answers: its own, or a shared one that a live gateway serves. */
export function consoleAnswers(gateway: GatewayEntry, live: readonly string[]): boolean {
  return gateway.console !== undefined && (!gateway.console.shared || live.includes(gateway.console.url));
}

/** The link a person opens once: the console URL with its token, as the gateway prints it. */
export function loginLink(url: string, token: string): string {
  return `${url}?token=${encodeURIComponent(token)}`;
}
