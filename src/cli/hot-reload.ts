// Hot reload as `serve` sets it up: the running config goes into a holder that the gateway's deps
// read through, the file is watched, and SIGHUP reloads at once. One call, so serve.ts stays small.
import { readFileSync } from 'node:fs';
import { WardenError } from '../errors.js';
import { ConfigHolder, didYouMean, quoteList, type ConfigSource, type ConfigState, type ResolvedConfig } from '../config/index.js';
import { watchConfigFile } from '../config/watch-file.js';
import type { GatewayDeps } from '../gateway/types.js';
import { ConfigReloader } from './config-reload.js';
import type { Io } from './io.js';

export interface HotReload {
  /** The running config and its state (generation, stale, last error): for /readyz, status and metrics. */
  source: ConfigSource;
  /** Calls `listener` with the config state after each reload, successful or not. */
  onState(listener: (state: ConfigState) => void): () => void;
  /** Reloads now; `force` even when the file is unchanged. Resolves once applied (or refused). */
  reload(reason: string, options?: { force?: boolean }): Promise<void>;
  /** Stops watching and stops listening for SIGHUP. */
  close(): void;
}

export interface HotReloadOptions {
  environment: string;
  io: Io;
  log: (message: string) => void;
  /** What else a new config must satisfy in this process (an HTTP front off loopback needs every agent's token). */
  check?: (config: ResolvedConfig) => void;
  /** Watch the file (default true); SIGHUP reloads either way. */
  watch?: boolean;
}

/**
 * Makes `deps.config` follow reloads (a getter over the holder) and sets `deps.configSource`, so
 * sessions apply each new config; watches the config file's directory and reloads on SIGHUP.
 */
export function enableHotReload(deps: GatewayDeps, options: HotReloadOptions): HotReload {
  const { environment, io, log } = options;
  const holder = new ConfigHolder(deps.config);
  Object.defineProperty(deps, 'config', { get: () => holder.current(), enumerable: true, configurable: true });
  deps.configSource = holder;
  const reloader = new ConfigReloader(
    {
      holder,
      env: io.env,
      cwd: io.cwd,
      check(config) {
        // The environment chosen at start must still be there; its settings may change.
        if (!config.environments[environment]) {
          const known = Object.keys(config.environments);
          throw new WardenError('UNKNOWN_ENVIRONMENT', `The environment this gateway runs in, "${environment}", is no longer defined${didYouMean(environment, known) || `; the config defines ${quoteList(known)}`}; restart with another --env to change it`);
        }
        options.check?.(config);
      },
      log,
    },
    readText(deps.config.file),
  );
  const stopWatching =
    options.watch === false
      ? () => {}
      : watchConfigFile(deps.config.file, {
          onChange: () => void reloader.request('file changed'),
          onError: (error) => log(`watching the config file stopped (${error.message}); reload with SIGHUP`),
        });
  // SIGHUP means "read your config again" to daemons; it no longer stops the gateway.
  const onHangUp = (): void => void reloader.request('SIGHUP', { force: true });
  process.on('SIGHUP', onHangUp);
  return {
    source: holder,
    onState: (listener) => holder.onState(listener),
    reload: (reason, reloadOptions) => reloader.request(reason, reloadOptions),
    close() {
      stopWatching();
      process.off('SIGHUP', onHangUp);
    },
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
