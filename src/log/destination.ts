// Log lines held to a bound. On Linux Node writes stderr synchronously (a pipe nobody reads blocks
// the writer instead); where it queues writes in memory instead, a reader that stops would make the
// queue grow with every call. Past the bound, lines are dropped and counted, and the count is logged
// once the stream has room again.
import type { LineSink } from './logger.js';

/** Bytes that may wait in the stream's buffer before log lines are dropped. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Passes each JSON log line to `next` unless more than `maxBuffered` bytes wait in `stream`'s buffer.
 * The drop notice is itself a JSON log line (level warn), so it is formatted like the others.
 */
export function boundedSink(stream: { readonly writableLength?: number }, next: LineSink, maxBuffered = MAX_BUFFERED_BYTES): LineSink {
  let dropped = 0;
  return {
    write(line) {
      if ((stream.writableLength ?? 0) > maxBuffered) {
        dropped += 1;
        return;
      }
      if (dropped > 0) {
        const msg = `${dropped} log line${dropped > 1 ? 's' : ''} dropped: this process's stderr was not read fast enough`;
        next.write(`${JSON.stringify({ level: 'warn', time: new Date().toISOString(), pid: process.pid, dropped, msg })}\n`);
        dropped = 0;
      }
      next.write(line);
    },
  };
}
