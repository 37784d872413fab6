// Everyone told what a serving gateway does (see gateway/observer.ts), listed in one place. Each is
// told in this order; one that throws does not stop the others.
import { fanOut, type GatewayObserver } from '../gateway/observer.js';
import { decisionLog } from '../log/decision-log.js';
import type { Logger } from '../log/logger.js';

export interface ObserverParts {
  logger: Logger;
  /** The approval console's address, once it listens (named in the log line of each ask). */
  consoleUrl: () => string | undefined;
  /** Others (the status registry, metrics), told after the log. */
  extra?: ReadonlyArray<GatewayObserver>;
}

/** The observers of `mcp-warden serve`. */
export function gatewayObservers(parts: ObserverParts): GatewayObserver {
  return fanOut([
    // The decision log: one stderr line per decision, approval event, upstream state and rejected token.
    decisionLog(parts.logger, { consoleUrl: parts.consoleUrl }),
    ...(parts.extra ?? []),
  ]);
}
