// The readiness checks `serve` runs for /readyz: the config (loaded, stale or not) and whether each
// stdio upstream could be started. Others (the store) are added where they are wired.
import type { ConfigSource, ResolvedConfig } from '../config/index.js';
import { configCheck, Readiness, type ReadinessCheck } from '../gateway/readiness.js';
import { startProblem } from '../upstream/index.js';

/** How long an upstreams answer is reused: probes come every few seconds, and PATH rarely changes. */
const UPSTREAM_CHECK_TTL_MS = 30_000;

/** The checks for a gateway serving `source`'s config in `environment`. */
export function gatewayReadiness(source: ConfigSource, environment: string): Readiness {
  return new Readiness([configCheck(() => source.state()), upstreamsCheck(() => source.current(), environment)], { config: () => source.state() });
}

/**
 * Every stdio server's command resolves and its working directory exists; remote servers are not
 * contacted (a probe must stay cheap, and a remote outage is not this replica's to fix). Cached per
 * config for UPSTREAM_CHECK_TTL_MS.
 */
export function upstreamsCheck(config: () => ResolvedConfig, environment: string, now: () => number = Date.now): ReadinessCheck {
  let cached: { config: ResolvedConfig; at: number; result: Promise<{ ok: boolean; detail?: string }> } | undefined;
  return {
    name: 'upstreams',
    check() {
      const current = config();
      if (!cached || cached.config !== current || now() - cached.at > UPSTREAM_CHECK_TTL_MS) {
        cached = { config: current, at: now(), result: checkUpstreams(current, environment) };
      }
      return cached.result;
    },
  };
}

async function checkUpstreams(config: ResolvedConfig, environment: string): Promise<{ ok: boolean; detail?: string }> {
  const servers = Object.values(config.servers);
  const extraEnv = config.environments[environment]?.env ?? {};
  const stdio = servers.filter((server) => server.transport === 'stdio');
  const problems = (await Promise.all(stdio.map((server) => startProblem(server, extraEnv)))).filter((problem) => problem !== undefined);
  const remote = servers.length - stdio.length;
  const counted = `${stdio.length - problems.length} of ${stdio.length} stdio servers startable${remote ? `; ${remote} remote not checked` : ''}`;
  return problems.length === 0 ? { ok: true, detail: counted } : { ok: false, detail: `${counted}: ${problems.join('; ')}` };
}
