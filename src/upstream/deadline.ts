// Waiting with a limit: for a shared promise against one caller's signal and deadline, for a
// backoff that a shutdown may cut short, and for a courtesy that must not hold up a close.

/** Settles like `promise`, unless `signal` aborts or `deadline` (epoch ms) passes first. */
export function raceDeadline<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  deadline: number,
  errors: { onAbort: () => Error; onTimeout: () => Error },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(errors.onTimeout())), Math.max(1, deadline - Date.now()));
    const onAbort = (): void => finish(() => reject(errors.onAbort()));
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      // The caller's own rejection passes through unchanged, Error or not.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      (error: unknown) => finish(() => reject(error)),
    );
    function finish(settle: () => void): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
  });
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Waits for `promise` at most `ms`; resolves either way (rejections pass through). */
export function withTimeout(promise: Promise<void> | undefined, ms: number): Promise<void> {
  if (!promise) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
