// What the gateway tells whoever watches it run (the decision log, metrics, `mcp-warden status`):
// facts as data, never text, so each watcher words or counts them its own way. Observers are told
// after the fact and must not throw or block; a call never waits for one.
import type { AuditRecord, AuditSink } from '../audit/types.js';

/**
 * One upstream of one session changing state. `starting` is each start attempt; `failed` is an
 * attempt that failed (`retryInMs` says when the next one is, absent when none will be made);
 * `down` is a connection that was up and was lost (it restarts on the next call); `stopped` is the
 * session closing it.
 */
export interface UpstreamStateEvent {
  server: string;
  agent: string;
  session: string;
  state: 'starting' | 'up' | 'failed' | 'down' | 'stopped';
  /** Start attempts so far in this run of attempts (1 for the first). */
  attempts?: number;
  /** Why it failed or went down, in the operator's words (may hold paths). */
  error?: string;
  retryInMs?: number;
  /** Epoch milliseconds. */
  at: number;
}

export interface SessionEvent {
  type: 'opened' | 'closed';
  agent: string;
  session: string;
  /** On `opened`: the agent's client as it named itself at initialize (unverified). */
  client?: { name: string; version: string };
  /** Epoch milliseconds. */
  at: number;
}

export interface GatewayObserver {
  /**
   * Every decision and approval event, exactly as audited, whether or not the environment keeps an
   * audit log. Told when the record is handed to the sink (before it is stored).
   */
  record?(record: AuditRecord): void;
  upstream?(event: UpstreamStateEvent): void;
  session?(event: SessionEvent): void;
  /** An HTTP request refused for a missing or unknown bearer token. */
  authRejected?(event: { reason: string; remote?: string; at: number }): void;
}

/** One observer that tells each of `observers`; one that throws does not stop the others. */
export function fanOut(observers: ReadonlyArray<GatewayObserver | undefined>): GatewayObserver {
  const present = observers.filter((observer): observer is GatewayObserver => observer !== undefined);
  const each =
    <K extends keyof GatewayObserver>(key: K) =>
    (event: Parameters<NonNullable<GatewayObserver[K]>>[0]): void => {
      for (const observer of present) {
        try {
          (observer[key] as ((e: typeof event) => void) | undefined)?.(event);
        } catch {
          // A watcher's bug must not become a failed call.
        }
      }
    };
  return { record: each('record'), upstream: each('upstream'), session: each('session'), authRejected: each('authRejected') };
}

/** `sink`, telling `observer` of each record as it is written. */
export function observedSink(sink: AuditSink, observer: GatewayObserver | undefined): AuditSink {
  if (!observer?.record) return sink;
  const tell = observer.record.bind(observer);
  return {
    write(record) {
      try {
        tell(record);
      } catch {
        // See fanOut.
      }
      return sink.write(record);
    },
    ...(sink.admit ? { admit: sink.admit.bind(sink) } : {}),
    close: () => sink.close(),
  };
}
