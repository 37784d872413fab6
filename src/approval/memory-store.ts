// The in-memory twin of the file store: same contract, one process, for tests and for gateways that
// do not share tickets.
import { answerToRecord, withAnswer } from './ticket.js';
import type { Clock, DecideResult, Ticket, TicketAnswer, TicketStore, TicketView } from './types.js';

export class MemoryTicketStore implements TicketStore {
  #tickets = new Map<string, Ticket>();
  #watchers = new Map<string, Set<(ticket: TicketView) => void>>();
  #clock: Clock;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? Date;
  }

  async create(ticket: Ticket): Promise<void> {
    if (this.#tickets.has(ticket.id)) throw new Error(`Ticket "${ticket.id}" already exists`);
    this.#tickets.set(ticket.id, structuredClone(ticket));
  }

  async get(id: string): Promise<TicketView | undefined> {
    const ticket = this.#tickets.get(id);
    return ticket && structuredClone(ticket);
  }

  async list(): Promise<TicketView[]> {
    return [...this.#tickets.values()].map((t) => structuredClone(t)).sort((a, b) => b.createdAt - a.createdAt);
  }

  async decide(id: string, answer: TicketAnswer): Promise<DecideResult> {
    // Everything below runs without an await, so the first caller wins.
    const ticket = this.#tickets.get(id);
    if (!ticket) return { ok: false, problem: 'unknown' };
    if (ticket.state !== 'pending') return { ok: false, problem: 'decided', ticket: structuredClone(ticket) };
    const now = this.#clock.now();
    const recorded = answerToRecord(ticket, answer, now);
    const decided = withAnswer(ticket, recorded.answer, now);
    this.#tickets.set(id, decided);
    this.#notify(decided);
    return recorded.late ? { ok: false, problem: 'expired', ticket: structuredClone(decided) } : { ok: true, ticket: structuredClone(decided) };
  }

  watch(id: string, onDecided: (ticket: TicketView) => void): () => void {
    let listeners = this.#watchers.get(id);
    if (!listeners) this.#watchers.set(id, (listeners = new Set()));
    listeners.add(onDecided);
    const ticket = this.#tickets.get(id);
    if (ticket && ticket.state !== 'pending') queueMicrotask(() => this.#notify(ticket));
    return () => {
      listeners.delete(onDecided);
      if (listeners.size === 0 && this.#watchers.get(id) === listeners) this.#watchers.delete(id);
    };
  }

  async close(): Promise<void> {
    this.#watchers.clear();
  }

  #notify(ticket: Ticket): void {
    const listeners = this.#watchers.get(ticket.id);
    if (!listeners) return;
    this.#watchers.delete(ticket.id);
    for (const listener of listeners) queueMicrotask(() => listener(structuredClone(ticket)));
  }
}
