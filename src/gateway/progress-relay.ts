// Progress towards the agent for one call. The approval wait and the upstream both report progress
// under the agent's one token, and MCP requires progress to increase, so upstream values are shifted
// past whatever the wait already reported.

export class ProgressRelay {
  readonly #send: (params: Record<string, unknown>) => Promise<void>;
  readonly #token: string | number | undefined;
  #offset = 0;
  #last = -1;
  #sending: Promise<void> = Promise.resolve();

  constructor(token: string | number | undefined, send: (params: Record<string, unknown>) => Promise<void>) {
    this.#token = token;
    this.#send = send;
  }

  get enabled(): boolean {
    return this.#token !== undefined;
  }

  /** One keep-alive tick while a human decides; moves the offset on by one. */
  tick(message: string): void {
    this.#offset += 1;
    this.#emit(this.#offset, undefined, message);
  }

  /** Relays an upstream progress notification. */
  forward(progress: { progress: number; total?: number; message?: string }): void {
    const total = progress.total === undefined ? undefined : progress.total + this.#offset;
    this.#emit(progress.progress + this.#offset, total, progress.message);
  }

  #emit(value: number, total: number | undefined, message: string | undefined): void {
    if (this.#token === undefined || value <= this.#last) return;
    this.#last = value;
    const params: Record<string, unknown> = { progressToken: this.#token, progress: value };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    // Progress is advisory: one the agent's transport cannot take must neither fail the call nor stall flush().
    const sent = this.#send(params).catch(() => {});
    this.#sending = Promise.all([this.#sending, sent]).then(() => {});
  }

  /** Resolves once every notification sent so far is written, so none arrives after the call's result. */
  flush(): Promise<void> {
    return this.#sending;
  }
}
