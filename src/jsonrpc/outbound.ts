// One request we sent and are waiting on: its promise, its deadline and its progress handler. The
// timer calls a module function with the entry as argument, so no closure is made per request.
import type { JsonObject, RequestId } from './types.js';
import { aborted as abortError, timedOut, totalTimeoutExceeded } from './rpc-error.js';

/** What an Outbound tells the Peer when its own timer or the caller's signal ends it. */
export interface OutboundOwner {
  /** Removes `entry` from the tables, sends `notifications/cancelled` for it (with `reason`, default `String(error)`) and rejects it with `error`. */
  cancel(entry: Outbound, error: Error, reason?: string): void;
}

/** The SDK's default wait for an answer. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export class Outbound {
  readonly id: RequestId;
  readonly relatedRequestId: RequestId | undefined;
  /** Our progress token in the request, when the caller gave `onprogress`. */
  progressToken: RequestId | undefined;
  onprogress: ((progress: JsonObject) => void) | undefined;
  readonly #owner: OutboundOwner;
  #resolve!: (result: JsonObject) => void;
  #reject!: (error: unknown) => void;
  readonly promise: Promise<JsonObject>;
  #timer: NodeJS.Timeout | undefined;
  #timeoutMs = 0;
  #resetOnProgress = false;
  #maxTotalMs: number | undefined;
  #startedAt = 0;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #settled = false;

  constructor(owner: OutboundOwner, id: RequestId, relatedRequestId: RequestId | undefined) {
    this.#owner = owner;
    this.id = id;
    this.relatedRequestId = relatedRequestId;
    this.promise = new Promise<JsonObject>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Starts the deadline; a non-finite `timeoutMs` sets none. */
  startTimer(timeoutMs: number, resetOnProgress: boolean, maxTotalMs: number | undefined): void {
    if (!Number.isFinite(timeoutMs)) return;
    this.#timeoutMs = Math.max(0, timeoutMs);
    this.#resetOnProgress = resetOnProgress;
    this.#maxTotalMs = maxTotalMs;
    this.#startedAt = Date.now();
    this.#timer = setTimeout(onTimeout, this.#timeoutMs, this);
  }

  /** Cancels the request when `signal` aborts, giving the other side `reason` (else the signal's). */
  watch(signal: AbortSignal, reason?: string): void {
    this.#signal = signal;
    this.#onAbort = () => {
      const why: unknown = reason ?? signal.reason;
      this.#owner.cancel(this, abortError(why), String(why));
    };
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** A progress notification for this request: restarts the deadline when asked, then tells the caller. */
  progress(params: JsonObject): void {
    if (this.#settled) return;
    if (this.#resetOnProgress && this.#timer) {
      const elapsed = Date.now() - this.#startedAt;
      if (this.#maxTotalMs !== undefined && elapsed >= this.#maxTotalMs) {
        this.#owner.cancel(this, totalTimeoutExceeded(this.#maxTotalMs, elapsed));
        return;
      }
      this.#timer.refresh();
    }
    const { progressToken: _ours, ...rest } = params;
    this.onprogress?.(rest);
  }

  /** Timed out: the owner cancels it. */
  expire(): void {
    if (!this.#settled) this.#owner.cancel(this, timedOut(this.#timeoutMs));
  }

  resolve(result: JsonObject): void {
    if (this.#settle()) this.#resolve(result);
  }

  reject(error: unknown): void {
    if (this.#settle()) this.#reject(error);
  }

  /** False when already settled; otherwise stops the timer and the abort listener. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
    return true;
  }
}

function onTimeout(entry: Outbound): void {
  entry.expire();
}
