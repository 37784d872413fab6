// Environments: where the gateway runs, which agents may work there, and how strict it is.
import type { ConfigIssue } from '../errors.js';
import type { SafetyMode, Setting } from '../policy/types.js';
import type { EnvironmentEntry } from './schema.js';
import type { SourceMap } from './source-map.js';
import { didYouMean, quoteList } from './suggest.js';
import { vettingSettings } from './vetting-settings.js';
import type { EnvironmentConfig, WebhookConfig } from './types.js';

/** An environment plus the sources the effective policy quotes. */
export interface ResolvedEnvironment {
  config: EnvironmentConfig;
  safety: Setting<SafetyMode>;
  agents: Setting<string[]> | null;
}

/** Used when the file defines no environments at all. */
export const IMPLICIT_ENVIRONMENT = 'dev';

/** Resolves one environment; each listed agent must exist among `agents` (names that failed validation count). */
export function resolveEnvironment(name: string, entry: EnvironmentEntry, agents: ReadonlySet<string>, map: SourceMap, issues: ConfigIssue[]): ResolvedEnvironment {
  const at = ['environments', name];
  entry.agents?.forEach((agent, index) => {
    if (agents.has(agent)) return;
    const hint = didYouMean(agent, agents) || (agents.size ? `; the agents are ${quoteList([...agents])}` : '; define it under agents');
    issues.push(map.issue([...at, 'agents', index], `Environment "${name}" lists unknown agent "${agent}"${hint}`));
  });
  const config: EnvironmentConfig = {
    name,
    safety: entry.safety ?? 'full',
    audit: entry.audit ?? true,
    agents: entry.agents ?? null,
    env: Object.fromEntries(Object.entries(entry.env ?? {}).map(([key, value]) => [key, String(value)])),
    source: map.source(at, { key: true }),
  };
  if (entry.webhook) config.webhook = webhook(entry.webhook);
  if (entry.approval?.channels) config.approvalChannels = [...entry.approval.channels];
  const vetting = vettingSettings(entry, at, map);
  if (vetting) config.vetting = vetting;
  return {
    config,
    safety: { value: config.safety, source: entry.safety === undefined ? 'default' : map.source([...at, 'safety']) },
    agents: entry.agents ? { value: entry.agents, source: map.source([...at, 'agents']) } : null,
  };
}

/** The environment used when the file defines none. */
export function implicitEnvironment(): ResolvedEnvironment {
  return {
    config: { name: IMPLICIT_ENVIRONMENT, safety: 'full', audit: true, agents: null, env: {}, source: 'default' },
    safety: { value: 'full', source: 'default' },
    agents: null,
  };
}

export function webhook(entry: { url: string; secret?: string | undefined }): WebhookConfig {
  return entry.secret === undefined ? { url: entry.url } : { url: entry.url, secret: entry.secret };
}
