// "Remember for this session": an approval a person chose to extend to identical calls. Bound to the
// agent, the session, the tool and the exact argument digest, so any other call asks again.
import { qualifiedTool } from './ticket.js';
import type { ApprovalOutcome, ApprovalRequest, TicketView } from './types.js';

interface Remembered {
  ticketId: string;
  by?: string;
  channel: string;
}

export class RememberedApprovals {
  #bySession = new Map<string, Map<string, Remembered>>();

  /** The outcome for a call approved earlier in its session with these exact arguments, if any. */
  find(req: ApprovalRequest, argumentsSha256: string): ApprovalOutcome | undefined {
    const found = this.#bySession.get(req.session)?.get(key(req.agent, qualifiedTool(req), argumentsSha256));
    if (!found) return undefined;
    return {
      approved: true,
      ticketId: found.ticketId,
      channel: 'remembered',
      ...(found.by ? { by: found.by } : {}),
      reason: `Approved earlier in this session${found.by ? ` by ${found.by}` : ''} via ${found.channel} for the same tool and arguments (ticket "${found.ticketId}")`,
      durationMs: 0,
      remember: true,
    };
  }

  add(ticket: TicketView, outcome: ApprovalOutcome): void {
    let session = this.#bySession.get(ticket.session);
    if (!session) this.#bySession.set(ticket.session, (session = new Map<string, Remembered>()));
    session.set(key(ticket.agent, qualifiedTool(ticket), ticket.argumentsSha256), {
      ticketId: ticket.id,
      channel: outcome.channel,
      ...(outcome.by ? { by: outcome.by } : {}),
    });
  }

  forget(session: string): void {
    this.#bySession.delete(session);
  }

  clear(): void {
    this.#bySession.clear();
  }
}

function key(agent: string, tool: string, digest: string): string {
  return JSON.stringify([agent, tool, digest]);
}
