// Tickets shared between processes through a private directory: one immutable JSON file per ticket
// and one immutable answer file whose creation is the decision. Both are written to a temp file and
// hard-linked into place; link(2) fails if the name exists, so exactly one answer wins however many
// gateways, consoles and CLIs race for it, and nobody reads half a file.
import { TicketWatchers } from './ticket-watchers.js';
import { type FSWatcher, watch as watchDir } from 'node:fs';
import { readFile, readdir, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { approvalsDir, ensurePrivateDir } from './state-dir.js';
import { type AnswerRecord, merge, writeFirst } from './answer-file.js';
import { ownerGone } from './gateway-owner.js';
import { answerToRecord, isTicketId } from './ticket.js';
import type { Clock, DecideResult, Ticket, TicketAnswer, TicketStore, TicketView } from './types.js';

export interface FileTicketStoreOptions {
  /** The approvals directory itself; default `approvalsDir(stateDir)`. */
  dir?: string;
  /** The state directory (default `$MCP_WARDEN_STATE_DIR` or `~/.mcp-warden`). */
  stateDir?: string;
  clock?: Clock;
  /** How often watchers look for answers when fs.watch says nothing (some file systems never do). */
  pollMs?: number;
  /** Decided tickets kept for the history; older ones are removed. */
  historyLimit?: number;
  /** Create the directory before the first ticket is saved (createFileTicketStore sets this). */
  ensureDir?: boolean;
}

/** A pending ticket left behind past its expiry by a gateway that is gone is marked after this grace. */
const STALE_GRACE_MS = 2_000;
const TEMP_MAX_AGE_MS = 60_000;
/** The channel recorded on a ticket withdrawn because its gateway is gone. */
export const ORPHANED = 'orphaned';

/** Opens (creating if needed, mode 0700) the shared approvals directory. */
export async function openFileTicketStore(options: FileTicketStoreOptions = {}): Promise<FileTicketStore> {
  const dir = options.dir ?? approvalsDir(options.stateDir);
  await ensurePrivateDir(dir);
  return new FileTicketStore(dir, options);
}

/** The file store without waiting: the directory is created (mode 0700) when the first ticket is saved. */
export function createFileTicketStore(options: FileTicketStoreOptions = {}): FileTicketStore {
  return new FileTicketStore(options.dir ?? approvalsDir(options.stateDir), { ...options, ensureDir: true });
}

export class FileTicketStore implements TicketStore {
  readonly dir: string;
  #clock: Clock;
  #pollMs: number;
  #historyLimit: number;
  // Both kinds of file are immutable once they exist, so what was read once stays true.
  #tickets = new Map<string, Ticket>();
  #answers = new Map<string, AnswerRecord>();
  readonly #watchers = new TicketWatchers(() => this.#stopWatching());
  #fsWatcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #checking = false;
  #closed = false;
  #ready: Promise<void> | undefined;

  /** Use openFileTicketStore, which creates the directory with the right mode first. */
  constructor(dir: string, options: FileTicketStoreOptions = {}) {
    this.dir = dir;
    this.#clock = options.clock ?? Date;
    this.#pollMs = options.pollMs ?? 200;
    this.#historyLimit = options.historyLimit ?? 500;
    if (!options.ensureDir) this.#ready = Promise.resolve();
  }

  async create(ticket: Ticket): Promise<void> {
    if (!isTicketId(ticket.id)) throw new Error(`Ticket id "${ticket.id}" is not a ticket id`);
    await (this.#ready ??= ensurePrivateDir(this.dir));
    const { state: _pending, ...stored } = ticket;
    // Created only if new, like answers: an id that somehow exists already must not be overwritten.
    if (!(await writeFirst(this.#ticketPath(ticket.id), JSON.stringify(stored, null, 2), this.#tempPath()))) {
      throw new Error(`Ticket "${ticket.id}" already exists`);
    }
    this.#tickets.set(ticket.id, { ...ticket, state: 'pending' });
    // Pruning is housekeeping: the ticket is saved, and the next create prunes again.
    await this.#prune().catch(() => {});
  }

  async get(id: string): Promise<TicketView | undefined> {
    if (!isTicketId(id)) return undefined;
    const ticket = await this.#readTicket(id);
    if (!ticket) return undefined;
    return this.#settleStale(await this.#current(ticket));
  }

  async list(): Promise<TicketView[]> {
    const ids = await this.#ids();
    for (const id of this.#tickets.keys()) if (!ids.has(id)) this.#forget(id);
    const tickets: TicketView[] = [];
    for (const id of ids) {
      const ticket = await this.#readTicket(id);
      if (ticket) tickets.push(await this.#settleStale(await this.#current(ticket)));
    }
    return tickets.sort((a, b) => b.createdAt - a.createdAt);
  }

  async decide(id: string, answer: TicketAnswer): Promise<DecideResult> {
    if (!isTicketId(id)) return { ok: false, problem: 'unknown' };
    const ticket = await this.#readTicket(id);
    if (!ticket) return { ok: false, problem: 'unknown' };
    const existing = await this.#current(ticket);
    if (existing.state !== 'pending') return { ok: false, problem: 'decided', ticket: existing };
    // An approval for a call whose gateway crashed would be recorded for nobody, and a person would
    // believe the call ran. Only the owner's own timeout or withdrawal, or housekeeping, is recorded.
    const human = answer.state === 'approved' || answer.state === 'denied';
    if (human && ownerGone(ticket.owner)) return { ok: false, problem: 'orphaned', ticket: existing };

    const now = this.#clock.now();
    const recorded = answerToRecord(ticket, answer, now);
    const record: AnswerRecord = { ...recorded.answer, ticketId: id, argumentsSha256: ticket.argumentsSha256, at: now };
    if (!(await writeFirst(this.#answerPath(id), JSON.stringify(record), this.#tempPath()))) {
      return { ok: false, problem: 'decided', ticket: await this.#waitForWinner(ticket) };
    }
    this.#answers.set(id, record);
    const decided = merge(ticket, record);
    this.#notify(decided);
    return recorded.late ? { ok: false, problem: 'expired', ticket: decided } : { ok: true, ticket: decided };
  }

  watch(id: string, onDecided: (ticket: TicketView) => void): () => void {
    const stop = this.#watchers.add(id, onDecided);
    this.#startWatching();
    void this.#check();
    return stop;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
    this.#stopWatching();
  }

  async #waitForWinner(ticket: Ticket): Promise<TicketView> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await this.#current(ticket);
      if (current.state !== 'pending') return current;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`The answer file of ticket "${ticket.id}" exists but cannot be read`);
  }

  /** The ticket with its answer, if one has been recorded. */
  async #current(ticket: Ticket): Promise<TicketView> {
    const answer = await this.#readAnswer(ticket.id);
    return answer ? merge(ticket, answer) : ticket;
  }

  /**
   * A pending ticket whose gateway crashed would stay pending for ever; mark it so the console and
   * the CLI do not offer to approve a call that nobody is waiting for.
   */
  async #settleStale(ticket: TicketView): Promise<TicketView> {
    if (ticket.state !== 'pending') return ticket;
    let answer: TicketAnswer | undefined;
    if (this.#clock.now() >= ticket.expiresAt + STALE_GRACE_MS) {
      answer = { state: 'expired', channel: 'timeout', reason: 'No one answered before the ticket expired' };
    } else if (ownerGone(ticket.owner)) {
      answer = { state: 'withdrawn', channel: ORPHANED, reason: 'The gateway that asked is no longer running' };
    }
    if (!answer) return ticket;
    const result = await this.decide(ticket.id, answer);
    return 'ticket' in result ? result.ticket : ticket;
  }

  async #readTicket(id: string): Promise<Ticket | undefined> {
    const cached = this.#tickets.get(id);
    if (cached) return cached;
    // Missing or unreadable: an unknown ticket, which is never offered for approval.
    const text = await readFile(this.#ticketPath(id), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    let parsed: Ticket;
    try {
      parsed = { ...(JSON.parse(text) as Ticket), state: 'pending' };
    } catch {
      return undefined; // not ours, or damaged: never offered for approval
    }
    if (parsed.id !== id || typeof parsed.argumentsSha256 !== 'string' || typeof parsed.expiresAt !== 'number') return undefined;
    this.#tickets.set(id, parsed);
    return parsed;
  }

  async #readAnswer(id: string): Promise<AnswerRecord | undefined> {
    const cached = this.#answers.get(id);
    if (cached) return cached;
    // No answer file yet means no answer yet: the ticket stays pending until one can be read.
    const text = await readFile(this.#answerPath(id), 'utf8').catch(() => undefined);
    if (!text) return undefined;
    try {
      const record = JSON.parse(text) as AnswerRecord;
      this.#answers.set(id, record);
      return record;
    } catch {
      return undefined; // still being written by a process without hard links
    }
  }

  async #ids(): Promise<Set<string>> {
    // A directory not made yet (or unreadable) lists no tickets; creating one reports its own error.
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const ids = new Set<string>();
    for (const name of names) {
      const id = name.endsWith('.json') && !name.endsWith('.answer.json') ? name.slice(0, -'.json'.length) : '';
      if (isTicketId(id)) ids.add(id);
    }
    return ids;
  }

  /** Keeps the newest `historyLimit` decided tickets and removes stray temp files. */
  async #prune(): Promise<void> {
    const names = await readdir(this.dir);
    const now = Date.now();
    for (const name of names) {
      if (!name.startsWith('.tmp-')) continue;
      // Another process may have renamed or removed its temp file meanwhile; a stray one is retried next prune.
      const info = await stat(join(this.dir, name)).catch(() => undefined);
      if (info && now - info.mtimeMs > TEMP_MAX_AGE_MS) await unlink(join(this.dir, name)).catch(() => {});
    }
    const decided: TicketView[] = [];
    for (const id of await this.#ids()) {
      const ticket = await this.#readTicket(id);
      if (!ticket) continue;
      const current = await this.#current(ticket);
      if (current.state !== 'pending') decided.push(current);
    }
    if (decided.length <= this.#historyLimit) return;
    decided.sort((a, b) => (b.decidedAt ?? b.createdAt) - (a.decidedAt ?? a.createdAt));
    for (const ticket of decided.slice(this.#historyLimit)) {
      // Decided history only; another process pruning the same ticket first is the usual reason to fail.
      await unlink(this.#ticketPath(ticket.id)).catch(() => {});
      await unlink(this.#answerPath(ticket.id)).catch(() => {});
      this.#forget(ticket.id);
    }
  }

  #startWatching(): void {
    if (this.#closed) return;
    if (!this.#poll) {
      this.#poll = setInterval(() => void this.#check(), this.#pollMs);
      this.#poll.unref();
    }
    if (!this.#fsWatcher) {
      try {
        this.#fsWatcher = watchDir(this.dir, { persistent: false }, (_event, name) => {
          if (name === null || String(name).endsWith('.answer.json')) void this.#check();
        });
        this.#fsWatcher.on('error', () => this.#stopFsWatcher());
      } catch {
        // No fs.watch here (some network file systems): the poll alone notices answers.
      }
    }
  }

  #stopWatching(): void {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
    this.#stopFsWatcher();
  }

  #stopFsWatcher(): void {
    this.#fsWatcher?.close();
    this.#fsWatcher = undefined;
  }

  async #check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      for (const id of this.#watchers.ids()) {
        const ticket = await this.#readTicket(id);
        if (!ticket) continue;
        const current = await this.#current(ticket);
        if (current.state !== 'pending') this.#notify(current);
      }
    } finally {
      this.#checking = false;
    }
  }

  #notify(ticket: TicketView): void {
    this.#watchers.notify(ticket);
  }

  #forget(id: string): void {
    this.#tickets.delete(id);
    this.#answers.delete(id);
  }

  #ticketPath(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  #answerPath(id: string): string {
    return join(this.dir, `${id}.answer.json`);
  }

  #tempPath(): string {
    return join(this.dir, `.tmp-${randomBytes(8).toString('hex')}`);
  }
}
