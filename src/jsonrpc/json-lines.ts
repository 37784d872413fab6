// Splits newline-delimited JSON-RPC (a child's stdout, an agent's stdin) into messages. Each byte is
// scanned once: chunks wait in a list until their newline; a line over the size limit is counted and
// discarded as it streams, never held; a complete line must be valid UTF-8 before it is parsed. Unlike
// the SDK's ReadBuffer it hands back what it refused, so one bad line is answered and skipped, not fatal.
import { parseJsonRpcLine } from './jsonrpc-shape.js';
import { idAtEnd, idOfLine, startMembers } from './line-ids.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** A line that was not parsed: too large, or not valid UTF-8. */
export interface RefusedLine {
  reason: 'too-large' | 'invalid-utf8';
  /** Bytes of the line (for a too-large line reported before its end: the bytes seen so far). */
  bytes: number;
  /** The request id the line carries, when it could be read without holding the line. */
  id?: string | number;
  /** The line is a request or notification (it has a method), so it answers no request. For a too-large line, known when `method` comes before the first nested value. */
  method?: true;
}

/** One line read: a message, a line that is no JSON-RPC message and why, or a line refused unread. */
export type LineResult = { message: JSONRPCMessage } | { garbage: string; error: unknown } | { refused: RefusedLine };

/** The default size limit of one line. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Bytes kept of each end of a too-large line, to find its id. */
const EDGE_BYTES = 512;

// fatal: a byte sequence that is not UTF-8 throws instead of becoming U+FFFD; ignoreBOM: a BOM stays
// in the text, so the line fails to parse as JSON as it did before.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a complete message strictly: undefined when it is not valid UTF-8 (never repaired). Both fronts use it. */
export function decodeStrictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export class JsonLineReader {
  readonly #maxLineBytes: number;
  #chunks: Buffer[] = [];
  #size = 0;
  /** Set while the rest of a too-large line is being discarded. */
  #skipping: { head: Buffer; tail: Buffer; bytes: number; reported: boolean; method?: true } | undefined;

  /** `maxLineBytes`: a longer line is refused as it streams in (default 64 MiB). */
  constructor(options: { maxLineBytes?: number } = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  /**
   * Feeds a chunk and returns every complete line in it, in order. A too-large line is reported once:
   * as soon as it passes the limit when its id is at its start, else when it ends.
   */
  push(chunk: Buffer): LineResult[] {
    const results: LineResult[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      if (end > start) this.#take(chunk.subarray(start, end), results);
      if (newline === -1) break;
      this.#endLine(results);
      start = newline + 1;
    }
    return results;
  }

  #take(piece: Buffer, results: LineResult[]): void {
    const skipping = this.#skipping;
    if (skipping) {
      skipping.bytes += piece.length;
      skipping.tail = lastBytes([skipping.tail, piece]);
      return;
    }
    this.#chunks.push(piece);
    this.#size += piece.length;
    if (this.#size <= this.#maxLineBytes) return;
    const head = firstBytes(this.#chunks);
    const { id, method } = startMembers(head);
    // A request or notification of the peer's own is reported as such (`method`), so it never fails one of ours.
    this.#skipping = { head, tail: lastBytes(this.#chunks), bytes: this.#size, reported: id !== undefined, ...(method && { method }) };
    this.#chunks = [];
    this.#size = 0;
    if (id !== undefined) results.push({ refused: { reason: 'too-large', bytes: this.#skipping.bytes, id, ...(method && { method }) } });
  }

  #endLine(results: LineResult[]): void {
    const skipping = this.#skipping;
    if (skipping) {
      this.#skipping = undefined;
      if (skipping.reported) return;
      const id = idAtEnd(skipping.tail);
      results.push({ refused: { reason: 'too-large', bytes: skipping.bytes, ...(id !== undefined && { id }), ...(skipping.method && { method: skipping.method }) } });
      return;
    }
    if (this.#size === 0) return;
    let line = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.#size = 0;
    if (line[line.length - 1] === 13) line = line.subarray(0, -1);
    const text = decodeStrictUtf8(line);
    if (text === undefined) {
      results.push({ refused: { reason: 'invalid-utf8', bytes: line.length, ...idOfLine(line) } });
      return;
    }
    if (text.trim() !== '') results.push(parseLine(text));
  }
}

function parseLine(line: string): LineResult {
  try {
    return { message: parseJsonRpcLine(line) };
  } catch (error) {
    return { garbage: line, error };
  }
}

/** The first EDGE_BYTES of the chunks, copied so that the chunks can be freed. */
function firstBytes(chunks: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (let index = 0; index < chunks.length && size < EDGE_BYTES; index += 1) {
    const part = chunks[index]!.subarray(0, EDGE_BYTES - size);
    parts.push(part);
    size += part.length;
  }
  return Buffer.from(Buffer.concat(parts, size));
}

/** The last EDGE_BYTES of the chunks, copied so that the chunks can be freed. */
function lastBytes(chunks: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (let index = chunks.length - 1; index >= 0 && size < EDGE_BYTES; index -= 1) {
    const part = chunks[index]!.subarray(-(EDGE_BYTES - size));
    parts.unshift(part);
    size += part.length;
  }
  return Buffer.from(Buffer.concat(parts, size));
}
