// The status registry as `serve` uses it: the file registry of the state directory, and a tracker
// that knows which servers each agent's sessions have.
import type { ResolvedConfig } from '../config/types.js';
import { FileGatewayRegistry } from './file-registry.js';
import type { GatewayRegistry } from './gateway-registry.js';
import { GatewayTracker } from './gateway-tracker.js';
import { TeeGatewayRegistry } from './tee-registry.js';

export interface TrackGatewayOptions {
  config: ResolvedConfig;
  environment: string;
  kind: 'stdio' | 'http';
  agent?: string;
  stateDir?: string;
  log?: (message: string) => void;
  /** The shared store's registry (postgres), written beside the state directory's file. */
  shared?: GatewayRegistry;
}

/** A tracker publishing to `<state dir>/gateways`; call `start()` once the front serves, `close()` on shutdown. */
export function trackGateway(options: TrackGatewayOptions): GatewayTracker {
  const { config, environment } = options;
  const file = new FileGatewayRegistry(options.stateDir ? { stateDir: options.stateDir } : {});
  return new GatewayTracker({
    registry: options.shared ? new TeeGatewayRegistry(file, options.shared) : file,
    identity: { kind: options.kind, config: config.file, environment, ...(options.agent ? { agent: options.agent } : {}) },
    serversFor: (agent) => [...config.agentView(agent, environment).servers.values()].map((server) => ({ id: server.id, lazy: server.startup === 'lazy' && !server.required })),
    ...(options.log ? { log: options.log } : {}),
  });
}
