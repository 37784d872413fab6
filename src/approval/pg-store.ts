// Tickets in PostgreSQL, shared by every replica of a gateway. The first answer wins through the
// database: one `UPDATE ... WHERE state = 'pending'` changes the row, so of any number of replicas,
// consoles and CLIs racing, exactly one sees its update return the row. A waiting replica hears of
// an answer through LISTEN/NOTIFY on a connection of its own, and polls as a fallback (a NOTIFY is
// lost while that connection is down). The ticket's owner is the replica that waits on it (see
// store/postgres/replica.ts); a human answer to a ticket whose replica is gone records nothing.
import { TicketWatchers } from './ticket-watchers.js';
import pg from 'pg';
import { WardenError } from '../errors.js';
import { PostgresConnection, describeStoreError } from '../store/postgres/connection.js';
import { LEASE_MS, ReplicaLease, replicaAlive } from '../store/postgres/replica.js';
import { ORPHANED } from './file-store.js';
import { currentOwner } from './gateway-owner.js';
import { answerToRecord, isTicketId } from './ticket.js';
import type { Clock, DecideResult, Ticket, TicketAnswer, TicketState, TicketStore, TicketView } from './types.js';

/** The NOTIFY channel; the payload is the decided ticket's id. */
export const DECIDED_CHANNEL = 'warden_ticket_decided';
/** A pending ticket left past its expiry by a replica that is gone is marked after this grace. */
const STALE_GRACE_MS = 2_000;

export interface PgTicketStoreOptions {
  clock?: Clock;
  /** How often watchers read answers when no NOTIFY came (default 1 s). */
  pollMs?: number;
  /** Decided tickets kept for the history; older ones are removed (default 500). */
  historyLimit?: number;
  /** This replica's lease; default a new one on `db`. */
  lease?: ReplicaLease;
  /** How long a replica's heartbeat counts (default 15 s). */
  leaseMs?: number;
  log?: (message: string) => void;
}

interface TicketRow {
  id: string;
  ticket: Omit<Ticket, 'state'>;
  state: TicketState;
  channel: string | null;
  answered_by: string | null;
  decision_reason: string | null;
  decided_at: string | null;
  remember: boolean;
  trust: boolean;
  owner_alive?: boolean;
}

const COLUMNS = 'id, ticket, state, channel, answered_by, decision_reason, decided_at, remember, trust';

export class PgTicketStore implements TicketStore {
  readonly lease: ReplicaLease;
  readonly #db: PostgresConnection;
  readonly #clock: Clock;
  readonly #pollMs: number;
  readonly #historyLimit: number;
  readonly #leaseMs: number;
  readonly #log: (message: string) => void;
  readonly #watchers = new TicketWatchers(() => this.#stopPolling());
  #listener: pg.Client | undefined;
  #listening: Promise<void> | undefined;
  #listenRetry: NodeJS.Timeout | undefined;
  #listenPauseMs = 100;
  #poll: NodeJS.Timeout | undefined;
  #checking = false;
  #creates = 0;
  #closed = false;

  constructor(db: PostgresConnection, options: PgTicketStoreOptions = {}) {
    this.#db = db;
    this.#clock = options.clock ?? Date;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#historyLimit = options.historyLimit ?? 500;
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    this.#log = options.log ?? (() => {});
    this.lease = options.lease ?? new ReplicaLease(db);
  }

  async create(ticket: Ticket): Promise<void> {
    if (!isTicketId(ticket.id)) throw new Error(`Ticket id "${ticket.id}" is not a ticket id`);
    const { state: _pending, ...stored } = ticket;
    const owned = { ...stored, owner: { ...(stored.owner ?? currentOwner()), replica: this.lease.id } };
    await this.#store(async () => {
      // The lease first: a ticket must never look orphaned between its insert and its owner's first beat.
      await this.lease.register();
      const inserted = await this.#db.query(
        `INSERT INTO warden_tickets (id, ticket, arguments_sha256, created_at, expires_at, owner_replica)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
        [ticket.id, JSON.stringify(owned), ticket.argumentsSha256, ticket.createdAt, ticket.expiresAt, this.lease.id],
      );
      if (inserted.rowCount !== 1) throw new Error(`Ticket "${ticket.id}" already exists`);
    });
    // Housekeeping now and then; the ticket is saved whatever happens to it.
    if (++this.#creates % 20 === 1) await this.#prune().catch(() => {});
  }

  async get(id: string): Promise<TicketView | undefined> {
    if (!isTicketId(id)) return undefined;
    const row = await this.#store(async () => (await this.#db.query<TicketRow>(`SELECT ${COLUMNS}, ${this.#ownerAlive()} FROM warden_tickets t WHERE id = $1`, [id, this.#leaseMs])).rows[0]);
    return row && this.#settleStale(row);
  }

  async list(): Promise<TicketView[]> {
    const { rows } = await this.#store(() => this.#db.query<TicketRow>(`SELECT ${COLUMNS}, ${this.#ownerAlive('$1')} FROM warden_tickets t ORDER BY created_at DESC`, [this.#leaseMs]));
    const tickets: TicketView[] = [];
    for (const row of rows) tickets.push(await this.#settleStale(row));
    return tickets.sort((a, b) => b.createdAt - a.createdAt);
  }

  async decide(id: string, answer: TicketAnswer): Promise<DecideResult> {
    if (!isTicketId(id)) return { ok: false, problem: 'unknown' };
    return this.#store(async () => {
      const row = (await this.#db.query<TicketRow>(`SELECT ${COLUMNS}, ${this.#ownerAlive()} FROM warden_tickets t WHERE id = $1`, [id, this.#leaseMs])).rows[0];
      if (!row) return { ok: false, problem: 'unknown' } as const;
      const existing = ticketOf(row);
      if (existing.state !== 'pending') return { ok: false, problem: 'decided', ticket: existing } as const;
      // As in the file store: an approval for a call whose gateway is gone would be recorded for nobody.
      const human = answer.state === 'approved' || answer.state === 'denied';
      if (human && row.owner_alive === false) return { ok: false, problem: 'orphaned', ticket: existing } as const;

      const now = this.#clock.now();
      const recorded = answerToRecord(existing, answer, now);
      const a = recorded.answer;
      // The read above only chose what to write; whether it is written is the database's call.
      const updated = await this.#db.query<TicketRow>(
        `WITH won AS (
           UPDATE warden_tickets SET state = $2, channel = $3, answered_by = $4, decision_reason = $5, decided_at = $6, remember = $7, trust = $8
           WHERE id = $1 AND state = 'pending'
           RETURNING ${COLUMNS}
         )
         SELECT won.*, pg_notify('${DECIDED_CHANNEL}', won.id) FROM won`,
        [id, a.state, a.channel, a.by ?? null, a.reason ?? null, now, a.state === 'approved' && Boolean(a.remember), a.state === 'approved' && Boolean(a.trust)],
      );
      const won = updated.rows[0];
      if (!won) {
        const winner = (await this.#db.query<TicketRow>(`SELECT ${COLUMNS} FROM warden_tickets WHERE id = $1`, [id])).rows[0];
        if (!winner) return { ok: false, problem: 'unknown' } as const;
        return { ok: false, problem: 'decided', ticket: ticketOf(winner) } as const;
      }
      const decided = ticketOf(won);
      this.#notify(decided);
      return recorded.late ? ({ ok: false, problem: 'expired', ticket: decided } as const) : ({ ok: true, ticket: decided } as const);
    });
  }

  watch(id: string, onDecided: (ticket: TicketView) => void): () => void {
    const stop = this.#watchers.add(id, onDecided);
    this.#startWatching();
    void this.#check();
    return stop;
  }

  /** Stops watching and ends this replica's lease; the connection itself is closed by its owner. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
    this.#stopPolling();
    if (this.#listenRetry) clearTimeout(this.#listenRetry);
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
    await this.lease.close();
  }

  /** The SQL column telling whether the ticket's replica holds its lease (`param` is the lease in ms). */
  #ownerAlive(param = '$2'): string {
    return `(t.owner_replica IS NULL OR ${replicaAlive('t.owner_replica', `${param}::bigint`)}) AS owner_alive`;
  }

  /** Runs `work`, turning an outage into the reason an ask is denied. */
  async #store<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof WardenError && error.code === 'STORE_UNAVAILABLE') {
        throw new WardenError('STORE_UNAVAILABLE', `approval store unreachable: ${describeStoreError(error)}`, { cause: error });
      }
      throw error;
    }
  }

  /** A pending ticket past its expiry, or of a replica that is gone, is decided so nobody is offered it. */
  async #settleStale(row: TicketRow): Promise<TicketView> {
    const ticket = ticketOf(row);
    if (ticket.state !== 'pending') return ticket;
    let answer: TicketAnswer | undefined;
    if (this.#clock.now() >= ticket.expiresAt + STALE_GRACE_MS) {
      answer = { state: 'expired', channel: 'timeout', reason: 'No one answered before the ticket expired' };
    } else if (row.owner_alive === false) {
      answer = { state: 'withdrawn', channel: ORPHANED, reason: 'The gateway that asked is no longer running' };
    }
    if (!answer) return ticket;
    const result = await this.decide(ticket.id, answer);
    return 'ticket' in result ? result.ticket : ticket;
  }

  async #prune(): Promise<void> {
    await this.#db.query(
      `DELETE FROM warden_tickets WHERE state <> 'pending' AND id NOT IN
         (SELECT id FROM warden_tickets WHERE state <> 'pending' ORDER BY decided_at DESC LIMIT $1)`,
      [this.#historyLimit],
    );
  }

  #startWatching(): void {
    if (this.#closed) return;
    if (!this.#poll) {
      this.#poll = setInterval(() => void this.#check(), this.#pollMs);
      this.#poll.unref();
    }
    void this.#listen();
  }

  #stopPolling(): void {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
  }

  /** Opens the LISTEN connection once; when it fails or drops, tries again after a growing pause. */
  #listen(): Promise<void> {
    if (this.#closed || this.#listener || this.#listenRetry) return Promise.resolve();
    this.#listening ??= (async () => {
      const client = new pg.Client({ connectionString: this.#db.url, connectionTimeoutMillis: 5_000, application_name: 'mcp-warden listen' });
      const lost = (error?: Error): void => {
        if (this.#listener !== client) return;
        this.#listener = undefined;
        void client.end().catch(() => {});
        if (error) this.#log(`PostgreSQL store: lost the LISTEN connection (${describeStoreError(error)}); polling until it is back`);
        this.#retryListen();
      };
      // Unhandled, either event would end the process; the poll covers the gap.
      client.on('error', (error) => lost(error));
      client.on('end', () => lost());
      client.on('notification', (message) => {
        if (message.channel === DECIDED_CHANNEL && message.payload && this.#watchers.has(message.payload)) void this.#check([message.payload]);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${DECIDED_CHANNEL}`);
      } catch {
        await client.end().catch(() => {});
        this.#retryListen();
        return;
      }
      if (this.#closed) return void (await client.end().catch(() => {}));
      this.#listener = client;
      this.#listenPauseMs = 100;
      // Answers recorded while no one listened are found now rather than at the next poll.
      void this.#check();
    })().finally(() => {
      this.#listening = undefined;
    });
    return this.#listening;
  }

  #retryListen(): void {
    if (this.#closed || this.#listenRetry) return;
    const pause = this.#listenPauseMs;
    this.#listenPauseMs = Math.min(pause * 2, 5_000);
    this.#listenRetry = setTimeout(() => {
      this.#listenRetry = undefined;
      if (this.#watchers.size > 0) void this.#listen();
    }, pause);
    this.#listenRetry.unref();
  }

  /** Reads the watched tickets (or `only`) and tells the watchers of each decided one. */
  async #check(only?: string[]): Promise<void> {
    if (this.#closed) return;
    const ids = only ?? this.#watchers.ids();
    if (ids.length === 0) return;
    // A poll skips a turn while one runs; a NOTIFY's check always runs, it is the fast path.
    if (!only) {
      if (this.#checking) return;
      this.#checking = true;
    }
    try {
      const { rows } = await this.#db.query<TicketRow>(`SELECT ${COLUMNS} FROM warden_tickets WHERE id = ANY($1) AND state <> 'pending'`, [ids]);
      for (const row of rows) this.#notify(ticketOf(row));
    } catch {
      // The database is away: the next poll tries again, and the waiting call's own timeout still ends it.
    } finally {
      if (!only) this.#checking = false;
    }
  }

  #notify(ticket: TicketView): void {
    this.#watchers.notify(ticket);
  }
}

function ticketOf(row: TicketRow): Ticket {
  const ticket: Ticket = { ...row.ticket, state: row.state };
  if (row.state === 'pending') return ticket;
  return {
    ...ticket,
    ...(row.channel === null ? {} : { channel: row.channel }),
    ...(row.decided_at === null ? {} : { decidedAt: Number(row.decided_at) }),
    ...(row.answered_by === null ? {} : { answeredBy: row.answered_by }),
    ...(row.decision_reason === null ? {} : { decisionReason: row.decision_reason }),
    ...(row.remember ? { remember: true } : {}),
    ...(row.trust ? { trust: true } : {}),
  };
}

