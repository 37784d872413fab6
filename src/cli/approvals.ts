// `mcp-warden approvals list | approve ID | deny ID`: answers tickets in the shared store, so one
// command reaches every gateway this user runs. With `--config` (or $MCP_WARDEN_CONFIG) naming a
// config whose store is postgres, that is the store: every replica's tickets.
import { WardenError } from '../errors.js';
import { approveTicket, denyTicket, listApprovals, type ApprovalsCliOptions } from '../approval/index.js';
import { loadConfig } from '../config/index.js';
import { openStore } from '../store/open-store.js';
import { FileGatewayRegistry } from '../status/file-registry.js';
import { liveConsoles } from '../status/live-consoles.js';
import type { Io } from './io.js';

export interface ApprovalsOptions {
  stateDir?: string;
  json?: boolean;
  config?: string;
}

export async function runApprovalsList(values: ApprovalsOptions, io: Io): Promise<number> {
  const stateDir = values.stateDir ?? io.env.MCP_WARDEN_STATE_DIR;
  // The consoles of gateways running now, never one whose gateway has exited.
  const consoles = liveConsoles(await new FileGatewayRegistry(stateDir ? { stateDir } : {}).live());
  const listing = await withStoreOf(values, io, (store) => listApprovals({ ...store, consoles }));
  io.out(values.json ? JSON.stringify({ pending: listing.pending, orphaned: listing.orphaned, history: listing.history, consoles: listing.consoles }, null, 2) : listing.text);
  return 0;
}

export async function runApprovalsApprove(values: ApprovalsOptions & { remember?: boolean; trust?: boolean }, io: Io, [id]: string[]): Promise<number> {
  const result = await withStoreOf(values, io, (store) =>
    approveTicket(requireId(id), { ...store, ...(values.remember ? { remember: true } : {}), ...(values.trust ? { trust: true } : {}) }),
  );
  io.out(values.json ? JSON.stringify(result.ticket, null, 2) : result.text);
  return 0;
}

export async function runApprovalsDeny(values: ApprovalsOptions & { reason?: string }, io: Io, [id]: string[]): Promise<number> {
  const result = await withStoreOf(values, io, (store) => denyTicket(requireId(id), values.reason ? { reason: values.reason } : {}, store));
  io.out(values.json ? JSON.stringify(result.ticket, null, 2) : result.text);
  return 0;
}

/** Runs `fn` on the store: the config's PostgreSQL store when one is named, else the state directory's files. */
async function withStoreOf<T>(values: ApprovalsOptions, io: Io, fn: (store: Pick<ApprovalsCliOptions, 'store' | 'stateDir'>) => Promise<T>): Promise<T> {
  const stateDir = values.stateDir ?? io.env.MCP_WARDEN_STATE_DIR;
  const file = values.config ?? io.env.MCP_WARDEN_CONFIG;
  const config = file ? await loadConfig({ file, env: io.env, cwd: io.cwd }) : undefined;
  if (config?.store.kind !== 'postgres') return fn(stateDir ? { stateDir } : {});
  const store = await openStore(config.store);
  try {
    return await fn({ store: store.tickets });
  } finally {
    await store.close();
  }
}

function requireId(id: string | undefined): string {
  if (!id) throw new WardenError('BAD_INPUT', 'Missing the ticket id; see "mcp-warden approvals list"');
  return id;
}
