// `mcp-warden approvals list | approve ID | deny ID`: answers tickets in the shared store, so one
// command reaches every gateway this user runs.
import { WardenError } from '../errors.js';
import { approveTicket, denyTicket, listApprovals } from '../approval/index.js';
import { parse } from './args.js';
import type { Io } from './io.js';

export async function runApprovals(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { json: { type: 'boolean' }, reason: { type: 'string' }, remember: { type: 'boolean' }, 'state-dir': { type: 'string' } },
    true,
  );
  const [action, id, ...extra] = positionals;
  const stateDir = values['state-dir'] ?? io.env.MCP_WARDEN_STATE_DIR;
  const options = stateDir ? { stateDir } : {};
  if (extra.length > 0) throw new WardenError('BAD_INPUT', `Unexpected argument "${extra[0]}"`);
  switch (action) {
    case 'list': {
      const listing = await listApprovals(options);
      io.out(values.json ? JSON.stringify({ pending: listing.pending, orphaned: listing.orphaned, history: listing.history }, null, 2) : listing.text);
      return 0;
    }
    case 'approve': {
      const result = await approveTicket(requireId(id), { ...options, ...(values.remember ? { remember: true } : {}) });
      io.out(values.json ? JSON.stringify(result.ticket, null, 2) : result.text);
      return 0;
    }
    case 'deny': {
      const result = await denyTicket(requireId(id), values.reason ? { reason: values.reason } : {}, options);
      io.out(values.json ? JSON.stringify(result.ticket, null, 2) : result.text);
      return 0;
    }
    default:
      throw new WardenError('BAD_INPUT', 'Usage: mcp-warden approvals list | approve ID [--remember] | deny ID [--reason TEXT]');
  }
}

function requireId(id: string | undefined): string {
  if (!id) throw new WardenError('BAD_INPUT', 'Missing the ticket id; see "mcp-warden approvals list"');
  return id;
}
