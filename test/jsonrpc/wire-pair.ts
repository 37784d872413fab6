// A Peer linked in memory to a raw end the test drives message by message: what the Peer sends is
// collected, and the test writes whatever the other side would (including what no peer should).
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Peer } from '../../src/jsonrpc/peer.js';
import type { PeerOptions } from '../../src/jsonrpc/types.js';

export interface WirePair {
  peer: Peer;
  /** Everything the Peer sent, in order. */
  received: JSONRPCMessage[];
  /** Errors the Peer reported to onError. */
  errors: Error[];
  /** The send options of each message the Peer sent, in order. */
  sendOptions: unknown[];
  /** Ids the Peer told its transport were abandoned. */
  abandoned: Array<string | number>;
  /** Writes a message from the other side. */
  send(message: unknown): Promise<void>;
  raw: InMemoryTransport;
}

export async function wirePair(options: Partial<PeerOptions> = {}): Promise<WirePair> {
  const [raw, near] = InMemoryTransport.createLinkedPair();
  const received: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  const abandoned: Array<string | number> = [];
  raw.onmessage = (message) => void received.push(message);
  const sendOptions: unknown[] = [];
  const send = near.send.bind(near);
  Object.assign(near, {
    abandon: (id: string | number) => abandoned.push(id),
    send: (message: JSONRPCMessage, options?: unknown) => {
      sendOptions.push(options);
      return send(message, options as never);
    },
  });
  const peer = new Peer(near, {
    onRequest: async () => ({}),
    toRpcError: (error) => ({ code: -32603, message: error instanceof Error ? error.message : String(error) }),
    onError: (error) => void errors.push(error),
    ...options,
  });
  await peer.start();
  await raw.start();
  return { peer, received, errors, abandoned, sendOptions, raw, send: (message) => raw.send(message as JSONRPCMessage) };
}

/** Lets queued promise callbacks and one macrotask run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise with its resolver outside, for handlers the test finishes. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
