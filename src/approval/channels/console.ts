// The console channel: the approval console (and `mcp-warden approvals`) list pending tickets from the
// shared store and answer through it, so opening a ticket here sends nothing: saving the ticket already
// showed it, and the approver's watch on the store brings the answer back, from this process or another.
import type { ApprovalChannel, ChannelHandle, ChannelRequest } from '../channel.js';

/** Counts the console as a way to reach a person when the agent's channels list `console`. */
export function consoleChannel(): ApprovalChannel {
  return {
    name: 'console',
    applies: (request: ChannelRequest): boolean => request.configured.includes('console'),
    open: (): ChannelHandle => ({ withdraw: () => {} }),
  };
}
