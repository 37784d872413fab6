// The seam between the call pipeline and the people who approve "ask" calls: what the gateway asks,
// what it gets back, and where tickets live so that several gateways share one console and one CLI.
import type { Reason } from '../policy/types.js';
import type { ApprovalConfig, WebhookConfig } from '../config/types.js';

/** One call the engine decided "ask" for, exactly as it will be forwarded if approved. */
export interface ApprovalRequest {
  agent: string;
  session: string;
  environment: string;
  server: string;
  tool: string;
  /** Exactly as they will be forwarded; the ticket binds their digest. */
  arguments: Record<string, unknown>;
  /** Why the engine said ask. */
  reasons: Reason[];
  /** Where the server the call goes to works (a stdio server's working directory), when the gateway knows it; shown to the person asked. */
  workingDir?: string;
  /** When pinning or scanning asks: what changed in the tool's definition, shown to the person asked. */
  definition?: DefinitionReview;
}

/**
 * Why a tool's definition asks (issue 13): how it differs from its pin and what the scanner found.
 * Approving with "trust" makes this definition the pin, so the tool is clean from then on.
 */
export interface DefinitionReview {
  /** `changed`: differs from its pin in `fields` (diff: `-` pinned, `+` listed now); `new`: not pinned at all. */
  pin?: { state: 'changed' | 'new'; fields: string[]; diff?: string; digest: string };
  findings?: Array<{ rule: string; field: string; message: string; excerpt?: string }>;
}

/** How a request ended; `approved` is true only for an answer bound to this very call. */
export interface ApprovalOutcome {
  approved: boolean;
  ticketId: string;
  /** 'elicitation' | 'console' | 'cli' | 'webhook' | 'remembered' | 'non-interactive' | 'timeout' | 'cancelled' | 'none' */
  channel: string;
  /** Who answered, if known. */
  by?: string;
  /** A sentence for the agent and the audit log. */
  reason: string;
  durationMs: number;
  remember?: boolean;
  /** Approved with "trust": the definition the ticket shows becomes the tool's pin. */
  trust?: boolean;
  /** For channel 'elicitation': the client that answered, as it named itself at initialize (unverified). */
  client?: ClientIdentity;
}

/** An MCP client's `clientInfo` from initialize: what it says it is, which nobody can check. */
export interface ClientIdentity {
  name: string;
  version: string;
}

/** What the agent's client answers to an elicitation/create request. */
export interface ElicitResult {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

/** Sends elicitation/create to the agent's client; present only if the client declared elicitation. */
export type ElicitFunction = (
  params: { message: string; requestedSchema: object },
  signal: AbortSignal,
) => Promise<ElicitResult>;

export interface ApprovalRequestOptions {
  /** The agent cancelled: the ticket is withdrawn and the outcome's channel is 'cancelled'. */
  signal?: AbortSignal;
  elicit?: ElicitFunction;
  /** The agent's and the environment's webhooks. */
  webhooks?: WebhookConfig[];
  /** The agent's client, for the audit of an answer given by elicitation. */
  client?: ClientIdentity;
  /** The channels for this agent in this environment; default the approver's `approval.channels`. */
  channels?: ApprovalConfig['channels'];
}

export interface Approver {
  /** Opens a ticket, reaches every channel at once and resolves with the first answer; never throws for a denial. */
  request(req: ApprovalRequest, options: ApprovalRequestOptions): Promise<ApprovalOutcome>;
  /** Drops the "remember for this session" approvals of a session that ended. */
  forgetSession?(session: string): void;
  /** Withdraws every pending ticket of this approver (their requests resolve denied); idempotent. Does not close the store. */
  close(): Promise<void>;
}

export type ApprovalEventType = 'asked' | 'answered' | 'expired' | 'cancelled' | 'channel-error';

export interface ApprovalEvent {
  type: ApprovalEventType;
  ticket: TicketView;
  /** Present for answered, expired and cancelled. */
  outcome?: ApprovalOutcome;
  /** For channel-error: the channel that failed ('webhook', 'elicitation') and why; nothing was approved. */
  channel?: string;
  error?: string;
}

/** The gateway writes these to the audit log. */
export interface ApprovalEvents {
  onEvent?(e: ApprovalEvent): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export type TicketState = 'pending' | 'approved' | 'denied' | 'expired' | 'withdrawn';
export type DecidedState = Exclude<TicketState, 'pending'>;

/** A pending or decided approval ticket as stored, listed and shown; times are epoch milliseconds. */
export interface Ticket extends ApprovalRequest {
  /** 128 random bits, base32 (26 characters); unguessable. */
  id: string;
  /** sha256 (hex) of the canonical JSON (sorted keys) of `arguments`. */
  argumentsSha256: string;
  createdAt: number;
  expiresAt: number;
  state: TicketState;
  /** Which channel decided: 'console', 'cli', 'elicitation', 'timeout', 'cancelled', … */
  channel?: string;
  answeredBy?: string;
  /** The deny reason, or why the ticket expired or was withdrawn. */
  decisionReason?: string;
  decidedAt?: number;
  /** Approved with "remember for this session". */
  remember?: boolean;
  /** Approved with "trust" (a ticket with a `definition`): its definition becomes the pin. */
  trust?: boolean;
  /** The gateway process waiting on the ticket, so that a crashed one's tickets are never answered. */
  owner?: TicketOwner;
  /** The agent's client as it named itself at initialize (unverified), shown to the person asked. */
  client?: ClientIdentity;
}

/** The gateway process that waits on a ticket. */
export interface TicketOwner {
  pid: number;
  host: string;
  /** The process's start time (Linux: /proc/PID/stat field 22), so a reused pid is not taken for it. */
  started?: string;
  /** With the PostgreSQL store: the replica whose lease says whether the owner is still there. */
  replica?: string;
}

export type TicketView = Readonly<Ticket>;

/** One answer; the first recorded for a ticket wins, in every process. */
export interface TicketAnswer {
  state: DecidedState;
  channel: string;
  by?: string;
  reason?: string;
  remember?: boolean;
  /** Approve with trust: meaningful for a ticket with a `definition` only. */
  trust?: boolean;
}

/** The result of answering: data, so the console, the CLI and the approver each word it their way. */
export type DecideResult =
  | { ok: true; ticket: TicketView }
  | { ok: false; problem: 'unknown' }
  | { ok: false; problem: 'decided' | 'expired'; ticket: TicketView }
  /** The gateway that asked is gone (crashed, killed): nobody waits for the call, so nothing was recorded. */
  | { ok: false; problem: 'orphaned'; ticket: TicketView };

/** Where tickets live. The file store shares them between processes; the memory store is its twin for tests. */
export interface TicketStore {
  /** Saves a new pending ticket. */
  create(ticket: Ticket): Promise<void>;
  /** The ticket with its current state; undefined for an unknown id. */
  get(id: string): Promise<TicketView | undefined>;
  /** Every ticket still kept (pending and history), newest first. */
  list(): Promise<TicketView[]>;
  /**
   * Records `answer` if it is the first for the ticket, atomically across processes. An approve or deny
   * after the expiry records the expiry instead and reports 'expired'; one for a ticket whose gateway
   * is gone records nothing and reports 'orphaned'.
   */
  decide(id: string, answer: TicketAnswer): Promise<DecideResult>;
  /** Calls `onDecided` once when the ticket is decided, by any process; returns a function that stops watching. */
  watch(id: string, onDecided: (ticket: TicketView) => void): () => void;
  /** Stops watching; idempotent. */
  close(): Promise<void>;
}
