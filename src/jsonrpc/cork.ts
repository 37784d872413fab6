// Writes to a pipe, batched per turn of the event loop. Each write(2) to a pipe wakes the reader,
// and on the machines we measured that cost more than anything else in a proxied call; messages
// produced in the same turn (32 calls in flight answered from one read) now leave in one writev.
// A lone message waits only for the end of the current turn.
import type { Writable } from 'node:stream';

const corked = new WeakSet<Writable>();

/** Corks `stream` until the end of this turn (setImmediate); call before each write. */
export function corkUntilNextTurn(stream: Writable): void {
  if (corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
