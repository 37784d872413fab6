// Builds the gateway's dependencies from a resolved config: the real upstreams, inspector, approver
// and audit sink. The only place these parts meet.
import { createUpstream, type ChildRegistry } from '../upstream/index.js';
import { createInspector } from '../inspect/index.js';
import { createApprover, createFileTicketStore } from '../approval/index.js';
import { createJsonlSink, createNullSink } from '../audit/jsonl-sink.js';
import { teeSink } from '../audit/tee-sink.js';
import type { SharedStore } from '../store/open-store.js';
import type { AuditSink } from '../audit/types.js';
import type { ResolvedConfig } from '../config/types.js';
import type { GatewayDeps } from '../gateway/types.js';
import { observedSink, type GatewayObserver } from '../gateway/observer.js';
import { approvalAuditor } from './approval-audit.js';
import { createPinStore } from '../pinning/index.js';

export interface WireOptions {
  config: ResolvedConfig;
  environment: string;
  nonInteractive: boolean;
  log: (message: string) => void;
  /** Overrides the audit sink (tests). */
  audit?: AuditSink;
  stateDir?: string;
  /** The approval console's URL, for links in webhooks; known only once the console listens. */
  consoleUrl?: () => string | undefined;
  /** A required server cannot start (see GatewayDeps.fatal). */
  fatal?: (error: Error) => void;
  /** Told what happens: the decision log, metrics, status (see gateway/observer.ts). */
  observer?: GatewayObserver;
  /** Where stdio upstreams record their process groups, so the caller's signal handlers can end them. */
  children?: ChildRegistry;
  /** The shared store (openStore(config.store)); default the file store of `stateDir`. The caller closes it. */
  store?: SharedStore;
}

/** The real parts, wired. Close `approver` and `audit` when done. */
export function wireGateway(options: WireOptions): GatewayDeps {
  const { config, environment } = options;
  const stored = options.audit ?? (config.environments[environment]?.audit ? auditSinkOf(config, options.store) : createNullSink());
  // Observers hear of every decision, audited or not (an environment may keep no audit log).
  const audit = observedSink(stored, options.observer);
  const store = options.store?.tickets ?? createFileTicketStore(options.stateDir ? { stateDir: options.stateDir } : {});
  const approver = createApprover(config.approval, {
    nonInteractive: options.nonInteractive,
    store,
    events: approvalAuditor(audit),
    ...(options.consoleUrl ? { consoleUrl: options.consoleUrl } : {}),
  });
  return {
    config,
    environment,
    createUpstream: (server, upstreamOptions) => createUpstream(server, { ...upstreamOptions, children: options.children }),
    inspector: createInspector(),
    approver,
    audit,
    log: options.log,
    // Pins: gateway.lock (pinning.lockfile) when there is one, else trust on first use, per config; the
    // trusted entries in the state dir, or in the shared store (postgres) so every replica has them.
    pins: createPinStore({
      lockfilePath: config.lockfile,
      configPath: config.file,
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.store?.pinEntries ? { entries: options.store.pinEntries(config.file) } : {}),
    }),
    nonInteractive: options.nonInteractive,
    ...(options.fatal ? { fatal: options.fatal } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  };
}

/** The store's own sink (postgres), with the JSONL file beside it when configured; else the JSONL file. */
function auditSinkOf(config: ResolvedConfig, store: SharedStore | undefined): AuditSink {
  const jsonl = () => createJsonlSink(config.audit.path, { fsync: config.audit.fsync });
  const own = store?.auditSink?.({ required: config.audit.required });
  if (!own) return jsonl();
  return config.audit.jsonl ? teeSink(own, jsonl()) : own;
}
