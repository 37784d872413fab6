// Splits a child's stdout into newline-delimited JSON-RPC messages. Unlike the SDK's ReadBuffer it
// hands back the offending line, so one line of garbage is reported and skipped, not fatal.
import { parseJsonRpcLine } from './jsonrpc-shape.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** One line read: a message, or the text that was not a JSON-RPC message and why. */
export type LineResult = { message: JSONRPCMessage } | { garbage: string; error: unknown };

/** The longest line kept while waiting for its newline; beyond it the line is dropped as garbage. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export class JsonLineReader {
  #chunks: Buffer[] = [];
  #size = 0;

  /** Feeds a chunk of stdout and returns every complete line in it, in order. */
  push(chunk: Buffer): LineResult[] {
    const results: LineResult[] = [];
    let rest = chunk;
    for (let newline = rest.indexOf(10); newline !== -1; newline = rest.indexOf(10)) {
      this.#chunks.push(rest.subarray(0, newline));
      const line = Buffer.concat(this.#chunks).toString('utf8').replace(/\r$/, '');
      this.#chunks = [];
      this.#size = 0;
      rest = rest.subarray(newline + 1);
      if (line.trim() !== '') results.push(parseLine(line));
    }
    if (rest.length > 0) {
      this.#chunks.push(rest);
      this.#size += rest.length;
      if (this.#size > MAX_LINE_BYTES) {
        const head = Buffer.concat(this.#chunks).subarray(0, 200).toString('utf8');
        this.#chunks = [];
        this.#size = 0;
        results.push({ garbage: head, error: new Error(`Line longer than ${MAX_LINE_BYTES} bytes`) });
      }
    }
    return results;
  }
}

function parseLine(line: string): LineResult {
  try {
    return { message: parseJsonRpcLine(line) };
  } catch (error) {
    return { garbage: line, error };
  }
}
