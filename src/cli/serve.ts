// `mcp-warden serve`: the stdio front for one agent, or the HTTP front for many. Owns the process
// lifecycle: on SIGINT, SIGTERM or the agent hanging up, every session and child process is closed.
import { WardenError } from '../errors.js';
import { serveStdio } from '../front/stdio-front.js';
import { serveHttp } from '../front/http-front.js';
import { ChildRegistry } from '../upstream/index.js';
import { mountApprovalConsole, startApprovalConsole, writeConsoleAddress } from '../approval/index.js';
import type { ConfigOptions } from './args.js';
import { describeListenError } from './listen-errors.js';
import { loadContext, requireAgent } from './context.js';
import { wireGateway } from './wire.js';
import { openStore, sharedConsoleToken } from '../store/open-store.js';
import { connectInstructions } from './connect-instructions.js';
import { trackGateway } from '../status/track-gateway.js';
import type { Io } from './io.js';
import { gatewayObservers } from './observers.js';
import { createLogger } from '../log/logger.js';
import { logSettings, type LogFlags } from '../log/settings.js';
import { enableHotReload } from './hot-reload.js';
import { gatewayReadiness } from './readiness-checks.js';
import { isLoopbackHost } from '../http-host.js';
import type { ResolvedConfig } from '../config/types.js';

export interface ServeOptions extends ConfigOptions, LogFlags {
  agent?: string;
  http?: string;
  nonInteractive?: boolean;
  consolePort?: string;
  stateDir?: string;
  metrics?: string;
}

export async function runServe(values: ServeOptions, io: Io): Promise<number> {
  if (Boolean(values.agent) === Boolean(values.http)) {
    throw new WardenError('BAD_INPUT', 'Give exactly one of "--agent NAME" (stdio) or "--http HOST:PORT"');
  }
  // The log goes through process.stderr, like everything else this process writes there, so its
  // lines stay in order with upstream stderr and start-up text. On Linux Node writes stderr at once
  // (files, terminals and pipes alike), so a line logged survives a kill -9 (docs/logging.md).
  const logging = logSettings(values, io.env, Boolean(process.stderr.isTTY));
  const logger = await createLogger({ ...logging, colorize: logging.pretty && Boolean(process.stderr.isTTY), destination: process.stderr });
  const { config, environment } = await loadContext(io, values);
  // An unknown agent is named as such (with a suggestion) before its view of the config is asked for.
  if (values.agent) requireAgent(config, values.agent);
  // The agents this gateway may serve, and the approval channels each is asked through (agent >
  // environment > global): one list for both questions below.
  const served = values.agent ? [values.agent] : Object.keys(config.agents);
  const channelLists = served.length === 0 ? [config.approval.channels] : served.map((agent) => config.agentView(agent, environment).approvalChannels);
  // In CI nobody watches a console or answers a prompt; only a webhook can reach a human there.
  const nonInteractive = Boolean(values.nonInteractive) || (io.env.CI === 'true' && !channelLists.some((channels) => channels.includes('webhook')));
  const wantsConsole = channelLists.some((channels) => channels.includes('console'));
  // Diagnostics of the gateway's parts (free text, see GatewayDeps.log) are things that went wrong.
  const log = (message: string) => logger.warn(message);
  const stateDir = values.stateDir ?? io.env.MCP_WARDEN_STATE_DIR;
  let consoleUrl: string | undefined;
  // A server marked `required` that cannot start ends the gateway with code 1: a CI job fails at once, with the reason.
  let fatalError: Error | undefined;
  let onFatal!: () => void;
  const failed = new Promise<void>((resolve) => (onFatal = resolve));
  const fatal = (error: Error): void => {
    if (fatalError) return;
    fatalError = error;
    logger.error(`${error.message}; stopping`);
    onFatal();
  };
  const children = new ChildRegistry();
  // Metrics (--metrics HOST:PORT): their own listener, started before the gateway so no event is missed.
  // Loaded only when asked for: prom-client would otherwise sit in every gateway's memory.
  const metricsModule = values.metrics ? await import('../metrics/index.js') : undefined;
  const metrics = metricsModule?.createGatewayMetrics();
  const metricsServer = metrics && metricsModule ? await metricsModule.startMetricsServer(metrics.registry, { ...parseListen(values.metrics!, '--metrics'), ...config.metrics }) : undefined;
  if (metricsServer) logger.info(`metrics: ${metricsServer.url}`);
  // Tickets, the console token and (postgres) the audit log; a database that is away does not stop
  // the start: asks are denied and audited calls refused until it is back (its storeReady() says so).
  const store = await openStore(config.store, { ...(stateDir ? { stateDir } : {}), log, ...(metrics ? { onError: (kind: string) => metrics.storeError(kind) } : {}) });
  const consoleToken = await sharedConsoleToken(store, { log }).catch(async (error: unknown) => {
    await store.close();
    throw new WardenError('STORE_UNAVAILABLE', `Cannot read the console token from the ${config.store.kind} store: ${(error as Error).message}`, { cause: error });
  });
  // `mcp-warden status`: this gateway's entry in the state directory, kept current from its observer.
  // With the PostgreSQL store its sessions are also recorded there, so `status --config` sees every replica.
  const status = trackGateway({ config, environment, kind: values.agent ? 'stdio' : 'http', ...(values.agent ? { agent: values.agent } : {}), ...(stateDir ? { stateDir } : {}), ...(store.gateways ? { shared: store.gateways } : {}), log });
  const observer = gatewayObservers({ logger, consoleUrl: () => consoleUrl, extra: [status.observer, ...(metrics ? [metrics.observer] : [])] });
  const deps = wireGateway({ config, environment, nonInteractive, log, ...(stateDir ? { stateDir } : {}), consoleUrl: () => consoleUrl, fatal, children, observer, store });
  // Hot reload (docs/operations.md): the file is watched and SIGHUP reloads it; /readyz reports on it.
  const listen = values.http ? parseListen(values.http) : undefined;
  // MCP_WARDEN_WATCH=off: reload only on SIGHUP (file systems without change events, or reloads made deliberate).
  const hot = enableHotReload(deps, { environment, io, log, watch: io.env.MCP_WARDEN_WATCH !== 'off', ...(listen && !isLoopbackHost(listen.host) ? { check: everyAgentHasToken(listen.host) } : {}) });
  const readiness = gatewayReadiness(hot.source, environment);
  metrics?.followConfig(() => hot.source.state());
  // `status` shows a running config that a reload failed to replace (stale), with where it failed.
  status.setConfigState(hot.source.state());
  hot.onState((state) => status.setConfigState(state));
  // The store's detail says what failed (the database unreachable), never its URL.
  readiness.add({ name: 'store', check: () => store.storeReady() });
  if (values.agent) {
    const agent = values.agent;
    // The one agent this process serves was removed: it may not go on under the old policy.
    hot.source.onChange((next) => {
      if (!next.agents[agent]) fatal(new WardenError('UNKNOWN_AGENT', `Agent "${agent}" is no longer defined in the reloaded config`));
    });
  }
  const sharedConsole = store.kind === 'file' ? {} : { store: store.tickets, ...(consoleToken ? { token: consoleToken } : {}) };
  const closers: Array<() => Promise<void>> = [];
  // Calls waiting for approval are answered (denied: the gateway is shutting down) and their tickets
  // withdrawn while the agent can still read the answer, so before any front closes.
  // Shutdown carries on past a step that fails (the rest still has to close), but says which one did.
  const failedTo = (what: string) => (error: unknown) => log(`could not ${what} (${error instanceof Error ? error.message : String(error)})`);
  const withdrawWaiting = onceAsync(async () => {
    await deps.approver.close().catch(failedTo('withdraw the calls waiting for approval'));
    // Each denial reaches the front's send through promise jobs alone (no I/O in between), so one
    // turn of the event loop puts every answer on the wire before the fronts close.
    await new Promise((resolve) => setImmediate(resolve));
  });
  const shutdown = onceAsync(async () => {
    hot.close();
    await withdrawWaiting();
    for (const close of closers.reverse()) await close().catch(failedTo('close a front'));
    await status.close().catch(failedTo('remove this gateway from "mcp-warden status"'));
    await deps.audit.close().catch(failedTo('close the audit log; its last records may be missing'));
    await store.close().catch(failedTo(`close the ${store.kind} store`));
    await metricsServer?.close();
  });
  process.once('exit', () => children.killAll());

  let done: Promise<void>;
  if (values.agent) {
    const chosenPort = values.consolePort ?? io.env.MCP_WARDEN_CONSOLE_PORT;
    const consolePort = chosenPort === undefined ? 8788 : parsePort(chosenPort, '--console-port');
    if (!nonInteractive && wantsConsole) {
      const running = await startApprovalConsole({ host: '127.0.0.1', port: consolePort, ...(stateDir ? { stateDir } : {}), ...sharedConsole }).catch((error: Error) => {
        // A port asked for on the command line and not to be had is the user's to fix now; a port
        // from the environment (or the default) that is taken only costs this gateway its own
        // console: asks can still be answered elsewhere, so serving goes on.
        if (values.consolePort !== undefined && describeListenError(error.cause)) throw error;
        log(`approval console not started here (${error.message}); answer asks with "mcp-warden approvals" or another gateway's console`);
        return undefined;
      });
      if (running) {
        closers.push(() => running.close());
        consoleUrl = running.url;
        status.setConsole(running.url, running.reused);
        logger.info(`approval console: ${running.loginUrl}${running.reused ? " (shared with another gateway)" : ""}`);
      }
    }
    const front = await serveStdio(deps, { agent: values.agent, beforeClose: withdrawWaiting });
    closers.push(() => front.close());
    await status.start();
    done = front.closed;
  } else {
    const { host, port } = listen!;
    const mounted =
      !nonInteractive && wantsConsole
        ? await mountApprovalConsole({ ...(stateDir ? { stateDir } : {}), ...sharedConsole, allowedHosts: config.http.allowedHosts, allowedOrigins: config.http.allowedOrigins })
        : undefined;
    const front = await serveHttp(deps, { host, port, readiness: () => readiness.report(), ...(mounted ? { extraHandler: mounted.handler } : {}) }).catch(async (error: unknown) => {
      hot.close();
      await mounted?.close().catch(() => {});
      await deps.audit.close().catch(() => {});
      await store.close().catch(() => {});
      throw error;
    });
    closers.push(() => front.close());
    status.setUrl(front.url);
    if (mounted) {
      closers.push(() => mounted.close());
      consoleUrl = mounted.urlFor(front.url);
      // So that `mcp-warden approvals list` can point people at this console too; the console serves without it.
      await writeConsoleAddress(consoleUrl, stateDir ? { stateDir } : {}).catch(failedTo('record the approval console address'));
      status.setConsole(consoleUrl, false);
    }
    await status.start();
    const loginUrl = mounted?.loginUrlFor(front.url);
    if (logging.pretty) {
      // On a terminal: copy-paste instructions for a person (unless the log is asked to be quiet).
      if (logger.isLevelEnabled('info')) io.err(connectInstructions(config, front.url, environment, loginUrl));
    } else {
      logger.info({ url: front.url, environment, config: config.file }, `listening on ${front.url} (environment "${environment}", config ${config.file})`);
      if (loginUrl) logger.info(`approval console: ${loginUrl}`);
    }
    done = new Promise<void>(() => {});
  }
  const stopped = new Promise<void>((resolve) => {
    // SIGHUP reloads the config (hot-reload.ts) rather than stopping the gateway.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        // Whoever signals us may SIGKILL us next, before the graceful close (stdin end, a wait, then
        // SIGTERM) reaches the upstreams; a server that ignores stdin's end would be orphaned. So the
        // upstreams get SIGTERM now, and the close below still escalates to SIGKILL.
        children.signalAll('SIGTERM');
        resolve();
      });
    }
  });
  await Promise.race([done, stopped, failed]);
  await shutdown();
  return fatalError ? 1 : 0;
}

/** A reloaded config for an HTTP front off loopback must give every agent a token, as at start. */
function everyAgentHasToken(host: string): (config: ResolvedConfig) => void {
  return (config) => {
    const untokened = Object.values(config.agents).filter((agent) => !agent.token).map((agent) => `"${agent.name}"`);
    if (untokened.length > 0) throw new WardenError('BAD_INPUT', `Listening on "${host}", every agent needs a token; ${untokened.join(', ')} has none`);
  };
}

function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

/** A TCP port given by the user, 0 to 65535. */
function parsePort(value: string, flag: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new WardenError('BAD_INPUT', `Option "${flag}" must be a port number (0 to 65535); got "${value}"`);
  return port;
}

/** `HOST:PORT`, `[::1]:PORT` or just `PORT` (loopback). */
export function parseListen(value: string, flag = '--http'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value) ?? (/^(\d+)$/.test(value) ? [value, undefined, '127.0.0.1', value] : null);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WardenError('BAD_INPUT', `Option "${flag}" must be HOST:PORT, e.g. 127.0.0.1:8787; got "${value}"`);
  }
  return { host: match[1] ?? match[2], port };
}
