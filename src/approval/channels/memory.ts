// The in-memory twin of a channel, for tests: it records every ticket opened on it and lets the test
// answer, fail or report as a person or a broken transport would, through the approver's real seam.
import type { ApprovalChannel, ChannelAnswer, ChannelContext, ChannelHandle, ChannelRequest } from '../channel.js';
import type { TicketView } from '../types.js';

interface Opening {
  ticket: TicketView;
  context: ChannelContext;
  withdrawn?: string;
}

export interface MemoryChannelOptions {
  /** Default 'memory'. */
  name?: string;
  /** Default: applies to every request. */
  applies?: (request: ChannelRequest) => boolean;
}

/** A channel whose person is the test. */
export class MemoryChannel implements ApprovalChannel {
  readonly name: string;
  #applies: (request: ChannelRequest) => boolean;
  #openings: Opening[] = [];
  #waiters: Array<() => void> = [];

  constructor(options: MemoryChannelOptions = {}) {
    this.name = options.name ?? 'memory';
    this.#applies = options.applies ?? (() => true);
  }

  applies(request: ChannelRequest): boolean {
    return this.#applies(request);
  }

  open(ticket: TicketView, context: ChannelContext): ChannelHandle {
    const opening: Opening = { ticket, context };
    this.#openings.push(opening);
    for (const wake of this.#waiters.splice(0)) wake();
    return {
      withdraw: (reason: string): void => {
        opening.withdrawn = reason;
      },
    };
  }

  /** The tickets opened on this channel, oldest first. */
  get opened(): TicketView[] {
    return this.#openings.map((o) => o.ticket);
  }

  /** Resolves with the `index`-th ticket opened on this channel (0: the first), once it has been opened. */
  async ticket(index = 0): Promise<TicketView> {
    while (this.#openings.length <= index) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.#openings[index]!.ticket;
  }

  /** Why the ticket was withdrawn from this channel; undefined while it is still open here. */
  withdrawn(id: string): string | undefined {
    return this.#find(id).withdrawn;
  }

  /** Answers ticket `id` as a person on this channel would. */
  answer(id: string, answer: ChannelAnswer): void {
    this.#find(id).context.answer(answer);
  }

  /** This channel stops reaching anyone for ticket `id`. */
  fail(id: string, error: Error): void {
    this.#find(id).context.fail(error);
  }

  /** Part of this channel failed for ticket `id`; it still reaches someone. */
  report(id: string, error: Error): void {
    this.#find(id).context.report(error);
  }

  #find(id: string): Opening {
    const opening = this.#openings.find((o) => o.ticket.id === id);
    if (!opening) throw new Error(`Ticket "${id}" was not opened on channel "${this.name}"`);
    return opening;
  }
}
