// Where the session that asked lives, in the words the console card and `status` use: with several
// replicas behind a load balancer, the person answering can see which one holds the call.
import type { TicketOwner } from './types.js';

/** "on replica 3f2a1b9c (host web-1, pid 123)", or "on host dev-laptop (pid 123)" without a replica. */
export function ownerText(owner: TicketOwner): string {
  if (owner.replica) return `on replica ${owner.replica.slice(0, 8)} (host ${owner.host}, pid ${owner.pid})`;
  return `on host ${owner.host} (pid ${owner.pid})`;
}
