// The stdio front: one gateway process per agent. Its AgentEndpoint reads from the first byte; the
// session (and its upstreams) is opened when the agent's initialize arrives, so the upstreams see the
// agent's real client capabilities and the capabilities we announce are the ones they offer.
import type { Readable, Writable } from 'node:stream';
import type { GatewayDeps } from '../gateway/types.js';
import { AgentEndpoint } from './agent-endpoint.js';
import { StdioFrontTransport } from './stdio-transport.js';

export interface StdioFrontOptions {
  agent: string;
  stdin?: Readable;
  stdout?: Writable;
  /** Runs when the agent hangs up, before the session closes, while answers can still be written. */
  beforeClose?: () => Promise<void>;
}

export interface RunningStdioFront {
  /** Resolves when the agent hangs up (stdin ends) and the session is closed. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Serves one agent over stdin/stdout until stdin ends. */
export async function serveStdio(deps: GatewayDeps, options: StdioFrontOptions): Promise<RunningStdioFront> {
  const log = deps.log ?? (() => {});
  // One limit for an agent's message on both fronts: the HTTP body cap.
  const transport = new StdioFrontTransport(options.stdin, options.stdout, { maxMessageBytes: deps.config.http.maxBodyBytes });
  const endpoint = new AgentEndpoint(deps, { agent: options.agent });
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let finished = false;

  const close = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    await options.beforeClose?.().catch((error: unknown) => log(`Before closing: ${(error as Error).message}`));
    await endpoint.close();
    resolveClosed();
  };

  endpoint.onclose = () => void close();
  await endpoint.connect(transport);
  (options.stdin ?? process.stdin).once('end', () => void close());
  return { closed, close };
}
