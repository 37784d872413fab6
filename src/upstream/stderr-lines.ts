// Turns a child's stderr into log lines at a bounded cost, whatever the child writes: each byte is
// scanned once (a line without a newline is not re-split on every chunk), a line is cut at a cap, and
// lines beyond a per-upstream rate are dropped and counted. A flood costs a memchr per chunk.

export interface StderrLimits {
  /** Longest line passed on; the rest of a longer line is dropped and counted. */
  maxLineBytes: number;
  /** Sustained rate of stderr passed on, in bytes per second. */
  bytesPerSecond: number;
  /** Bytes that may pass at once after a quiet time. */
  burstBytes: number;
}

export const STDERR_LIMITS: StderrLimits = { maxLineBytes: 64 * 1024, bytesPerSecond: 128 * 1024, burstBytes: 1024 * 1024 };

/** A line costs at least this much of the rate, so a flood of empty lines is not a flood of writes. */
const MIN_LINE_COST = 256;
/** Bytes of recent stderr kept for error messages (the last lines before a crash). */
const RECENT_BYTES = 8 * 1024;
const TAIL_LINES = 10;

export class StderrLines {
  readonly #emit: (line: string) => void;
  readonly #limits: StderrLimits;
  readonly #now: () => number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The current line passed the cap: its head was emitted, the rest is being counted. */
  #cutting = false;
  #dropped = 0;
  #tokens: number;
  #refilledAt: number;
  #recent: Buffer[] = [];
  #recentBytes = 0;

  /** `emit` receives each line to log, without its newline. */
  constructor(emit: (line: string) => void, options: { limits?: Partial<StderrLimits>; now?: () => number } = {}) {
    this.#emit = emit;
    this.#limits = { ...STDERR_LIMITS, ...options.limits };
    this.#now = options.now ?? Date.now;
    this.#tokens = this.#limits.burstBytes;
    this.#refilledAt = this.#now();
  }

  /** Bytes dropped (rate limit, line cap) and not yet reported. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Feeds one chunk of stderr. */
  push(chunk: Buffer): void {
    this.#remember(chunk);
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      if (this.#refill() < MIN_LINE_COST) {
        // Out of budget: every line that ends in this chunk is dropped, found with one scan from the end.
        const last = chunk.lastIndexOf(10);
        this.#dropped += (this.#cutting ? 0 : this.#pendingBytes) + last + 1 - start;
        this.#pending = [];
        this.#pendingBytes = 0;
        this.#cutting = false;
        start = last + 1;
        break;
      }
      this.#append(chunk.subarray(start, newline));
      this.#endLine();
      start = newline + 1;
    }
    if (start < chunk.length) this.#append(chunk.subarray(start));
  }

  /** The child is gone: passes on its unfinished last line and says what was dropped. */
  end(): void {
    if (this.#pendingBytes > 0 && !this.#cutting) this.#endLine();
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#cutting = false;
    this.#reportDropped();
  }

  /** The last lines the child wrote, for error messages. */
  tail(): string[] {
    const text = Buffer.concat(this.#recent).subarray(-RECENT_BYTES).toString('utf8');
    const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
    // The window may start inside a line; that piece says nothing.
    if (this.#recentBytes > RECENT_BYTES && lines.length > 1) lines.shift();
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-TAIL_LINES);
  }

  #append(piece: Buffer): void {
    if (this.#cutting) {
      this.#dropped += piece.length;
      return;
    }
    const room = this.#limits.maxLineBytes - this.#pendingBytes;
    if (piece.length <= room) {
      this.#pending.push(piece);
      this.#pendingBytes += piece.length;
      return;
    }
    this.#pending.push(piece.subarray(0, room));
    this.#pendingBytes += room;
    this.#pass(this.#takeLine(), ` … [line longer than ${this.#limits.maxLineBytes} bytes; the rest is dropped]`);
    // Counted after the cut line went out, so the count is reported after it, where it makes sense.
    this.#dropped += piece.length - room;
    this.#cutting = true;
  }

  #endLine(): void {
    if (this.#cutting) {
      this.#cutting = false;
      return;
    }
    this.#pass(this.#takeLine(), '');
  }

  #takeLine(): Buffer {
    const line = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    return line;
  }

  /** Emits `line` if the rate allows, else counts it as dropped. */
  #pass(line: Buffer, suffix: string): void {
    const cost = Math.max(line.length, MIN_LINE_COST);
    if (this.#refill() < cost) {
      this.#dropped += line.length;
      return;
    }
    this.#tokens -= cost;
    this.#reportDropped();
    const end = line[line.length - 1] === 13 ? line.length - 1 : line.length;
    this.#emit(line.toString('utf8', 0, end) + suffix);
  }

  #reportDropped(): void {
    if (this.#dropped === 0) return;
    const dropped = this.#dropped;
    this.#dropped = 0;
    this.#emit(`… ${dropped} bytes of stderr dropped (over ${this.#limits.bytesPerSecond} bytes/s or lines over ${this.#limits.maxLineBytes} bytes)`);
  }

  #refill(): number {
    const now = this.#now();
    const { bytesPerSecond, burstBytes } = this.#limits;
    this.#tokens = Math.min(burstBytes, this.#tokens + ((now - this.#refilledAt) * bytesPerSecond) / 1000);
    this.#refilledAt = now;
    return this.#tokens;
  }

  #remember(chunk: Buffer): void {
    this.#recent.push(chunk);
    this.#recentBytes += chunk.length;
    while (this.#recentBytes - this.#recent[0]!.length >= RECENT_BYTES) this.#recentBytes -= this.#recent.shift()!.length;
  }
}
