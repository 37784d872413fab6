// `mcp-warden approvals list | approve ID | deny ID`: answers tickets in the shared store, so one
// command reaches every gateway this user runs.
import { WardenError } from '../errors.js';
import { approveTicket, denyTicket, listApprovals } from '../approval/index.js';
import { FileGatewayRegistry } from '../status/file-registry.js';
import { liveConsoles } from '../status/live-consoles.js';
import type { Io } from './io.js';

export interface ApprovalsOptions {
  stateDir?: string;
  json?: boolean;
}

export async function runApprovalsList(values: ApprovalsOptions, io: Io): Promise<number> {
  const location = storeOf(values, io);
  // The consoles of gateways running now, never one whose gateway has exited.
  const consoles = liveConsoles(await new FileGatewayRegistry(location).live());
  const listing = await listApprovals({ ...location, consoles });
  io.out(values.json ? JSON.stringify({ pending: listing.pending, orphaned: listing.orphaned, history: listing.history, consoles: listing.consoles }, null, 2) : listing.text);
  return 0;
}

export async function runApprovalsApprove(values: ApprovalsOptions & { remember?: boolean }, io: Io, [id]: string[]): Promise<number> {
  const result = await approveTicket(requireId(id), { ...storeOf(values, io), ...(values.remember ? { remember: true } : {}) });
  io.out(values.json ? JSON.stringify(result.ticket, null, 2) : result.text);
  return 0;
}

export async function runApprovalsDeny(values: ApprovalsOptions & { reason?: string }, io: Io, [id]: string[]): Promise<number> {
  const result = await denyTicket(requireId(id), values.reason ? { reason: values.reason } : {}, storeOf(values, io));
  io.out(values.json ? JSON.stringify(result.ticket, null, 2) : result.text);
  return 0;
}

function storeOf(values: ApprovalsOptions, io: Io): { stateDir?: string } {
  const stateDir = values.stateDir ?? io.env.MCP_WARDEN_STATE_DIR;
  return stateDir ? { stateDir } : {};
}

function requireId(id: string | undefined): string {
  if (!id) throw new WardenError('BAD_INPUT', 'Missing the ticket id; see "mcp-warden approvals list"');
  return id;
}
