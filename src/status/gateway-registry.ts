// The seam between running gateways and `mcp-warden status` / `approvals list`: each gateway publishes
// its entry, readers get the live ones. The file registry keeps them in the state directory; another
// store (a database shared by hosts) can take its place behind this interface.
import type { GatewayEntry } from './gateway-entry.js';

export interface GatewayRegistry {
  /** Records (or replaces) this gateway's entry. */
  publish(entry: GatewayEntry): Promise<void>;
  /** Removes the entry of gateway `pid` on this host; nothing if there is none. */
  withdraw(pid: number): Promise<void>;
  /** The entries of gateways still running, oldest first; entries of dead ones are dropped (and removed). */
  live(): Promise<GatewayEntry[]>;
}
