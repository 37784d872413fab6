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
import { connectInstructions } from './connect-instructions.js';
import type { Io } from './io.js';
import { createGatewayMetrics, startMetricsServer } from '../metrics/index.js';
import { fanOut } from '../gateway/observer.js';

export interface ServeOptions extends ConfigOptions {
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
  const log = (message: string) => io.err(`mcp-warden: ${message}`);
  const stateDir = values.stateDir ?? io.env.MCP_WARDEN_STATE_DIR;
  let consoleUrl: string | undefined;
  // A server marked `required` that cannot start ends the gateway with code 1: a CI job fails at once, with the reason.
  let fatalError: Error | undefined;
  let onFatal!: () => void;
  const failed = new Promise<void>((resolve) => (onFatal = resolve));
  const fatal = (error: Error): void => {
    if (fatalError) return;
    fatalError = error;
    log(`${error.message}; stopping`);
    onFatal();
  };
  const children = new ChildRegistry();
  // Metrics (--metrics HOST:PORT): their own listener, started before the gateway so no event is missed.
  const metrics = values.metrics ? createGatewayMetrics() : undefined;
  const metricsServer = metrics
    ? await startMetricsServer(metrics.registry, { ...parseListen(values.metrics!, '--metrics'), ...config.metrics })
    : undefined;
  if (metricsServer) log(`metrics: ${metricsServer.url}`);
  const observer = fanOut([metrics?.observer]);
  const deps = wireGateway({ observer, config, environment, nonInteractive, log, ...(stateDir ? { stateDir } : {}), consoleUrl: () => consoleUrl, fatal, children });
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
    await withdrawWaiting();
    for (const close of closers.reverse()) await close().catch(failedTo('close a front'));
    await deps.audit.close().catch(failedTo('close the audit log; its last records may be missing'));
    await metricsServer?.close();
  });
  process.once('exit', () => children.killAll());

  let done: Promise<void>;
  if (values.agent) {
    const chosenPort = values.consolePort ?? io.env.MCP_WARDEN_CONSOLE_PORT;
    const consolePort = chosenPort === undefined ? 8788 : parsePort(chosenPort, '--console-port');
    if (!nonInteractive && wantsConsole) {
      const running = await startApprovalConsole({ host: '127.0.0.1', port: consolePort, ...(stateDir ? { stateDir } : {}) }).catch((error: Error) => {
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
        log(`approval console: ${running.loginUrl}${running.reused ? " (shared with another gateway)" : ""}`);
      }
    }
    const front = await serveStdio(deps, { agent: values.agent, beforeClose: withdrawWaiting });
    closers.push(() => front.close());
    done = front.closed;
  } else {
    const { host, port } = parseListen(values.http!);
    const mounted =
      !nonInteractive && wantsConsole
        ? await mountApprovalConsole({ ...(stateDir ? { stateDir } : {}), allowedHosts: config.http.allowedHosts, allowedOrigins: config.http.allowedOrigins })
        : undefined;
    const front = await serveHttp(deps, { host, port, ...(mounted ? { extraHandler: mounted.handler } : {}) }).catch(async (error: unknown) => {
      await mounted?.close().catch(() => {});
      await deps.audit.close().catch(() => {});
      throw error;
    });
    closers.push(() => front.close());
    if (mounted) {
      closers.push(() => mounted.close());
      consoleUrl = mounted.urlFor(front.url);
      // So that `mcp-warden approvals list` can point people at this console too; the console serves without it.
      await writeConsoleAddress(consoleUrl, stateDir ? { stateDir } : {}).catch(failedTo('record the approval console address'));
    }
    io.err(connectInstructions(config, front.url, environment, mounted?.loginUrlFor(front.url)));
    done = new Promise<void>(() => {});
  }
  const stopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
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
