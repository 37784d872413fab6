// What `mcp-warden status` shows, as data: the live gateways of this user's state directory (with a
// working console link each), the calls waiting for approval, and where they can be answered.
import { existsSync } from 'node:fs';
import { approvalsDir, resolveStateDir } from '../approval/state-dir.js';
import { readConsoleToken } from '../approval/console-state.js';
import { openFileTicketStore } from '../approval/file-store.js';
import type { TicketStore } from '../approval/types.js';
import type { GatewayEntry } from './gateway-entry.js';
import type { GatewayRegistry } from './gateway-registry.js';
import { FileGatewayRegistry } from './file-registry.js';
import { consoleAnswers, liveConsoles, loginLink } from './live-consoles.js';

export interface StatusOptions {
  stateDir?: string;
  /** Default: the file registry of the state directory. */
  registry?: GatewayRegistry;
  /** Default: the file ticket store of the state directory (not created when it does not exist). */
  store?: TicketStore;
  /** Default: the console token of the state directory. */
  token?: string;
  /** The gateway.yaml whose PostgreSQL store `registry` and `store` are (every replica on it is shown). */
  shared?: string;
}

export interface GatewayStatus extends GatewayEntry {
  /** The console URL with its token: opening it logs a browser in. Absent when no console answers for it. */
  consoleLink?: string;
}

export interface PendingApproval {
  id: string;
  agent: string;
  environment: string;
  server: string;
  tool: string;
  createdAt: number;
  expiresAt: number;
  /** The gateway waiting on the call. */
  gatewayPid?: number;
  gatewayHost?: string;
  /** With the PostgreSQL store: the replica waiting on the call. */
  replica?: string;
}

export interface StatusReport {
  stateDir: string;
  /** Set when the gateways are the replicas on a config's PostgreSQL store. */
  store?: { kind: 'postgres'; config: string };
  gateways: GatewayStatus[];
  /** Login links of the consoles that can answer the pending calls (any of them can answer any). */
  consoles: string[];
  pending: PendingApproval[];
}

export async function gatherStatus(options: StatusOptions = {}): Promise<StatusReport> {
  const stateDir = resolveStateDir(options.stateDir);
  const registry = options.registry ?? new FileGatewayRegistry({ stateDir });
  const gateways = await registry.live();
  const token = options.token ?? (gateways.some((gateway) => gateway.console) ? await readConsoleToken({ stateDir }) : undefined);
  const link = (url: string) => (token ? loginLink(url, token) : url);
  const consoles = liveConsoles(gateways);
  return {
    stateDir,
    ...(options.shared ? { store: { kind: 'postgres' as const, config: options.shared } } : {}),
    gateways: gateways.map((gateway) => (gateway.console && consoleAnswers(gateway, consoles) ? { ...gateway, consoleLink: link(gateway.console.url) } : gateway)),
    consoles: consoles.map(link),
    pending: await pendingApprovals(stateDir, options.store),
  };
}

async function pendingApprovals(stateDir: string, given: TicketStore | undefined): Promise<PendingApproval[]> {
  // Status only reads: no approvals directory means no ticket yet, and none is created.
  if (!given && !existsSync(approvalsDir(stateDir))) return [];
  const store = given ?? (await openFileTicketStore({ stateDir }));
  try {
    // Listing withdraws tickets whose gateway is gone, so what is left pending has a gateway waiting.
    const tickets = await store.list();
    return tickets
      .filter((ticket) => ticket.state === 'pending')
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((t) => ({
        id: t.id,
        agent: t.agent,
        environment: t.environment,
        server: t.server,
        tool: t.tool,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        ...(t.owner ? { gatewayPid: t.owner.pid, gatewayHost: t.owner.host } : {}),
        ...(t.owner?.replica ? { replica: t.owner.replica } : {}),
      }));
  } finally {
    if (!given) await store.close();
  }
}
