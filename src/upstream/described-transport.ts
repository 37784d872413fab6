// What an upstream transport may offer beyond the SDK's Transport interface, for messages and shutdown.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** ExecaTransport tells how its process ended and what it last wrote to stderr; Streamable HTTP ends sessions. */
export interface DescribedTransport extends Transport {
  describeExit?(): string | undefined;
  stderrTail?(): string[];
  terminateSession?(): Promise<void>;
}
