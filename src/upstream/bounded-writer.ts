// Writes upstream stderr lines to a stream (the gateway's own stderr) without ever buffering more than a
// bound: a pipe nobody reads makes Node queue every write in memory, so past the bound lines are
// dropped and counted, and the count is written once the stream has room again.
import type { Writable } from 'node:stream';

/** Bytes that may wait in the stream's buffer before lines are dropped. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** A line writer for `stream` that drops lines while more than `maxBuffered` bytes wait to be written. */
export function boundedLineWriter(stream: Pick<Writable, 'write' | 'writableLength'>, maxBuffered = MAX_BUFFERED_BYTES): (line: string) => void {
  let dropped = 0;
  return (line) => {
    if (stream.writableLength > maxBuffered) {
      dropped += Buffer.byteLength(line) + 1;
      return;
    }
    if (dropped > 0) {
      stream.write(`[mcp-warden] … ${dropped} bytes of upstream stderr dropped: this process's stderr was not read fast enough\n`);
      dropped = 0;
    }
    stream.write(`${line}\n`);
  };
}
