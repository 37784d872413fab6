// Resolution: validated sections in, one ResolvedConfig out. Profiles are linearised and merged per
// agent, environments and servers resolved, and every organisation ceiling checked; problems are
// collected into `issues` rather than thrown, so a file's problems are all reported at once.
import path from 'node:path';
import { WardenError, type ConfigIssue } from '../errors.js';
import type { CeilingRule, EffectivePolicy, ServerPolicy, Setting } from '../policy/types.js';
import { builtinLayers } from './builtins.js';
import { checkExplicitModes, checkInheritedModes, checkRuleCeilings } from './ceilings.js';
import { IMPLICIT_ENVIRONMENT, implicitEnvironment, resolveEnvironment, webhook, type ResolvedEnvironment } from './environments.js';
import { checkReferences, findCycles, linearize, type ProfileGraph } from './extends.js';
import { mergeLayers, type MergedProfile, type PolicyDefaults } from './merge.js';
import { layerFromEntry } from './profile-layer.js';
import {
  agentSchema,
  approvalSchema,
  auditSchema,
  storeSchema,
  environmentSchema,
  gatewaySchema,
  httpSchema,
  metricsSchema,
  policySchema,
  profileSchema,
  serverSchema,
  type EnvironmentEntry,
  type PolicyEntry,
  pinningSchema,
  scanningSchema,
} from './schema.js';
import { vettingSettings } from './vetting-settings.js';
import { extendsOf, section, single, type Section } from './sections.js';
import { resolveServer, serverStartedIn, withGlobalSensitivePaths } from './servers.js';
import type { SourceMap } from './source-map.js';
import { didYouMean, quoteList } from './suggest.js';
import { approvalChannelsFor } from './approval-channels.js';
import type { AgentConfig, AgentView, ApprovalConfig, HttpConfig, ResolvedConfig, ServerConfig } from './types.js';
import { parseDuration, parseSize } from './units.js';

const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_SESSION_EVICT_AFTER_MS = 60_000;

export interface ResolveContext {
  map: SourceMap;
  /** Absolute path of the file. */
  file: string;
  /** Directory relative paths are resolved against. */
  baseDir: string;
  issues: ConfigIssue[];
}

/** Resolves the parsed file; the config is only usable when `context.issues` stays empty. */
export function resolveConfig(data: Record<string, unknown>, context: ResolveContext): ResolvedConfig {
  const { map, baseDir, issues } = context;
  const policy = single(data, 'policy', policySchema);
  const caps = policyDefaults(policy, map);
  const ceilings: CeilingRule[] = Object.entries(policy?.ceilings ?? {}).map(([pattern, verdict]) => ({
    pattern,
    verdict,
    source: map.source(['policy', 'ceilings', pattern], { key: true }),
  }));

  const serverSection = section(data, 'servers', serverSchema);
  const servers: Record<string, ServerConfig> = {};
  const sensitivePaths = single(data, 'sensitive_paths', gatewaySchema.shape.sensitive_paths.unwrap()) ?? [];
  for (const [id, entry] of serverSection.valid) {
    const server = resolveServer(id, entry, { map, baseDir, policy, issues });
    if (server) servers[id] = withGlobalSensitivePaths(server, sensitivePaths, (index) => map.source(['sensitive_paths', index]));
  }

  const graph = profileGraph(data, servers, context);
  for (const [name, layer] of graph.layers) {
    if (layer.builtin) continue;
    const at = ['profiles', name];
    issues.push(...checkReferences(layer.extends, [...at, 'extends'], graph, map));
    issues.push(...checkExplicitModes(layer, at, caps, map));
    issues.push(...checkRuleCeilings(layer, at, ceilings, map));
  }
  issues.push(...findCycles(graph, map));
  // Entries that failed validation still get their references checked, so one run shows every mistake.
  for (const [name, entry] of section(data, 'profiles', profileSchema).invalid) {
    issues.push(...checkReferences(extendsOf(entry), ['profiles', name, 'extends'], graph, map));
  }

  const agentSection = section(data, 'agents', agentSchema);
  const agents: Record<string, AgentConfig> = {};
  const merged = new Map<string, MergedProfile>();
  const tokens = new Map<string, string>();
  for (const [name, entry] of agentSection.valid) {
    const at = ['agents', name];
    const own = layerFromEntry(entry, at, `agent "${name}"`, context);
    const hasRules = own.allow.length + own.ask.length + own.deny.length > 0;
    // README "How a call is decided": an agent with no extends and no rules of its own runs under readonly.
    const refs = entry.extends ?? (hasRules ? [] : ['readonly']);
    issues.push(...checkReferences(entry.extends ?? [], [...at, 'extends'], graph, map));
    const { order, complete } = linearize(refs, graph);
    const profile = mergeLayers([...order.map((ref) => graph.layers.get(ref)!), own], caps);
    merged.set(name, profile);
    issues.push(...checkExplicitModes(own, at, caps, map));
    issues.push(...checkRuleCeilings(own, at, ceilings, map));
    if (complete) issues.push(...checkInheritedModes(name, profile, entry.extends ? [...at, 'extends'] : at, caps, map));

    const agent: AgentConfig = { name, source: map.source(at, { key: true }) };
    if (entry.token !== undefined) {
      agent.token = entry.token;
      const other = tokens.get(entry.token);
      if (other) issues.push(map.issue([...at, 'token'], `Agents "${other}" and "${name}" have the same token; give each agent its own`));
      else tokens.set(entry.token, name);
    }
    if (entry.webhook) agent.webhook = webhook(entry.webhook);
    if (entry.approval?.channels) agent.approvalChannels = [...entry.approval.channels];
    agents[name] = agent;
  }

  for (const [name, entry] of agentSection.invalid) issues.push(...checkReferences(extendsOf(entry), ['agents', name, 'extends'], graph, map));

  const environmentSection = section(data, 'environments', environmentSchema);
  const environments = resolveEnvironments(environmentSection, agentSection.names, context);
  const defaultEnvironment = chooseDefaultEnvironment(data, environmentSection.names, environments, context);
  const toolNames = single(data, 'tool_names', gatewaySchema.shape.tool_names.unwrap()) ?? 'prefixed';
  if (toolNames === 'passthrough' && serverSection.names.size !== 1) {
    issues.push(map.issue(['tool_names'], `"passthrough" tool names need exactly one server, but the config has ${serverSection.names.size}; use "prefixed"`));
  }
  const approval = resolveApproval(data, { agents, environments }, context);
  const audit = single(data, 'audit', auditSchema);
  const storeEntry = single(data, 'store', storeSchema);
  const store: ResolvedConfig['store'] =
    storeEntry?.kind === 'postgres' && storeEntry.url ? { kind: 'postgres', url: storeEntry.url, poolSize: storeEntry.pool_size ?? 10 } : { kind: 'file' };
  const http = resolveHttp(data);
  const metricsToken = single(data, 'metrics', metricsSchema)?.token;
  const pinning = single(data, 'pinning', pinningSchema);
  const scanning = single(data, 'scanning', scanningSchema);
  const serverPolicies: Record<string, ServerPolicy> = Object.fromEntries(
    Object.values(servers).map((server) => [server.id, { kind: server.kind, readonly: server.readonly, trusted: server.trusted }]),
  );

  function profileOf(agent: string): MergedProfile {
    const profile = merged.get(agent);
    if (profile) return profile;
    const hint = didYouMean(agent, merged.keys()) || (merged.size ? `; the agents are ${quoteList([...merged.keys()])}` : '; the config defines no agents');
    throw new WardenError('UNKNOWN_AGENT', `Unknown agent "${agent}"${hint}`);
  }

  const views = new Map<string, AgentView>();
  const resolved: ResolvedConfig = {
    file: context.file,
    baseDir,
    servers,
    agents,
    environments: Object.fromEntries([...environments].map(([name, environment]) => [name, environment.config])),
    defaultEnvironment,
    toolNames,
    approval,
    audit: {
      path: path.resolve(baseDir, audit?.path ?? './audit.jsonl'),
      fsync: audit?.fsync ?? false,
      // With PostgreSQL the table is the audit log; the file stays on beside it when its path is written.
      jsonl: store.kind === 'file' || audit?.path !== undefined,
      required: audit?.required ?? store.kind === 'postgres',
    },
    store,
    http,
    metrics: metricsToken === undefined ? {} : { token: metricsToken },
    lockfile: path.resolve(baseDir, pinning?.lockfile ?? './gateway.lock'),
    vetting: vettingSettings({ pinning, scanning }, [], map) ?? {},
    policyFor(agent, environmentName) {
      const profile = profileOf(agent);
      const environment = environments.get(environmentName);
      if (!environment) {
        const hint = didYouMean(environmentName, environments.keys()) || `; the environments are ${quoteList([...environments.keys()])}`;
        throw new WardenError('UNKNOWN_ENVIRONMENT', `Unknown environment "${environmentName}"${hint}`);
      }
      return effectivePolicy(agent, environmentName, profile, environment, ceilings, serverPolicies);
    },
    workingDirFor: (agent) => profileOf(agent).settings.workingDir?.value,
    serverFor: (agent, id) => {
      const server = servers[id];
      return server && serverStartedIn(server, profileOf(agent).settings.workingDir?.value);
    },
    timeoutFor: (agent) => profileOf(agent).settings.timeoutMs?.value,
    agentView(agent, environmentName) {
      // Only known names are cached (the view throws for others), and those match the schema's name pattern, which has no NUL.
      const key = `${agent}\u0000${environmentName}`;
      let view = views.get(key);
      if (!view) views.set(key, (view = agentViewOf(resolved, agent, environmentName)));
      return view;
    },
  };
  return resolved;
}

/** Computes one agent's view from the config's own answers, so the two can never disagree. */
function agentViewOf(config: ResolvedConfig, agent: string, environment: string): AgentView {
  const effective = config.policyFor(agent, environment);
  const servers = new Map<string, ServerConfig>();
  for (const id of Object.keys(config.servers)) servers.set(id, config.serverFor(agent, id)!);
  const environmentConfig = config.environments[environment];
  return Object.freeze({
    agent,
    environment,
    active: !effective.activeAgents || effective.activeAgents.value.includes(agent),
    effective,
    servers,
    approvalChannels: approvalChannelsFor(config, agent, environment),
    webhooks: [config.agents[agent]?.webhook, environmentConfig?.webhook].filter((hook) => hook !== undefined),
    approvalTimeoutMs: config.approval.timeoutMs,
    timeoutMs: config.timeoutFor(agent),
    extraEnv: environmentConfig?.env ?? {},
    toolNames: config.toolNames,
  });
}

function profileGraph(data: Record<string, unknown>, servers: Record<string, ServerConfig>, context: ResolveContext): ProfileGraph {
  const databaseServers = Object.values(servers).filter((server) => server.kind === 'database').map((server) => server.id);
  const layers = builtinLayers(databaseServers);
  const profiles = section(data, 'profiles', profileSchema);
  const broken = new Set<string>();
  for (const name of profiles.names) {
    const entry = profiles.valid.get(name);
    if (entry) {
      layers.set(name, layerFromEntry(entry, ['profiles', name], `profile "${name}"`, context));
    } else {
      // A broken profile replaces the built-in of its name too: nothing is resolved against a guess.
      layers.delete(name);
      broken.add(name);
    }
  }
  return { layers, broken };
}

function policyDefaults(policy: PolicyEntry | undefined, map: SourceMap): PolicyDefaults {
  const defaults: PolicyDefaults = {};
  if (policy?.shell) defaults.shell = { value: policy.shell, source: map.source(['policy', 'shell']) };
  if (policy?.file_write) defaults.fileWrite = { value: policy.file_write, source: map.source(['policy', 'file_write']) };
  if (policy?.database) defaults.database = { value: policy.database, source: map.source(['policy', 'database']) };
  return defaults;
}

function resolveEnvironments(entries: Section<EnvironmentEntry>, agentNames: ReadonlySet<string>, { map, issues }: ResolveContext): Map<string, ResolvedEnvironment> {
  const environments = new Map<string, ResolvedEnvironment>();
  for (const [name, entry] of entries.valid) environments.set(name, resolveEnvironment(name, entry, agentNames, map, issues));
  if (entries.names.size === 0) environments.set(IMPLICIT_ENVIRONMENT, implicitEnvironment());
  return environments;
}

function chooseDefaultEnvironment(
  data: Record<string, unknown>,
  written: ReadonlySet<string>,
  environments: Map<string, ResolvedEnvironment>,
  { map, issues }: ResolveContext,
): string {
  const names = written.size > 0 ? [...written] : [...environments.keys()];
  const chosen = data.default_environment;
  if (typeof chosen === 'string') {
    if (!names.includes(chosen)) {
      const hint = didYouMean(chosen, names) || `; the environments are ${quoteList(names)}`;
      issues.push(map.issue(['default_environment'], `Unknown default_environment "${chosen}"${hint}`));
    }
    return chosen;
  }
  return names.includes(IMPLICIT_ENVIRONMENT) ? IMPLICIT_ENVIRONMENT : (names[0] ?? IMPLICIT_ENVIRONMENT);
}

function resolveApproval(
  data: Record<string, unknown>,
  others: { agents: Record<string, AgentConfig>; environments: Map<string, ResolvedEnvironment> },
  { map, issues }: ResolveContext,
): ApprovalConfig {
  const entry = single(data, 'approval', approvalSchema);
  const approval: ApprovalConfig = {
    timeoutMs: entry?.timeout === undefined ? DEFAULT_APPROVAL_TIMEOUT_MS : parseDuration(entry.timeout),
    channels: entry?.channels ?? ['elicitation', 'console'],
    nonInteractive: entry?.non_interactive ?? 'deny',
  };
  if (entry?.webhook) approval.webhook = webhook(entry.webhook);
  if (entry?.max_pending_per_agent !== undefined) approval.maxPendingPerAgent = entry.max_pending_per_agent;
  const anyWebhook =
    approval.webhook !== undefined ||
    Object.values(others.agents).some((agent) => agent.webhook) ||
    [...others.environments.values()].some((environment) => environment.config.webhook);
  const lists: Array<{ channels: ApprovalConfig['channels']; at: Array<string | number> }> = [
    { channels: approval.channels, at: ['approval', 'channels'] },
    ...[...others.environments.values()].map((e) => ({ channels: e.config.approvalChannels ?? [], at: ['environments', e.config.name, 'approval', 'channels'] })),
    ...Object.values(others.agents).map((a) => ({ channels: a.approvalChannels ?? [], at: ['agents', a.name, 'approval', 'channels'] })),
  ];
  for (const { channels, at } of lists) {
    const index = channels.indexOf('webhook');
    if (index >= 0 && !anyWebhook) {
      issues.push(map.issue([...at, index], 'Channel "webhook" needs a webhook url; add approval.webhook.url (or a webhook on an environment or agent)'));
    }
  }
  return approval;
}

function resolveHttp(data: Record<string, unknown>): HttpConfig {
  const entry = single(data, 'http', httpSchema);
  return {
    allowedHosts: entry?.allowed_hosts ?? [],
    allowedOrigins: entry?.allowed_origins ?? [],
    maxBodyBytes: entry?.max_body === undefined ? DEFAULT_MAX_BODY_BYTES : parseSize(entry.max_body),
    sessionEvictAfterMs: entry?.session_evict_after === undefined ? DEFAULT_SESSION_EVICT_AFTER_MS : parseDuration(entry.session_evict_after),
  };
}

function effectivePolicy(
  agent: string,
  environment: string,
  profile: MergedProfile,
  resolved: ResolvedEnvironment,
  ceilings: CeilingRule[],
  servers: Record<string, ServerPolicy>,
): EffectivePolicy {
  const { settings } = profile;
  return {
    agent,
    environment,
    activeAgents: resolved.agents && { value: [...resolved.agents.value], source: resolved.agents.source },
    allow: [...profile.allow],
    ask: [...profile.ask],
    deny: [...profile.deny],
    shell: plain(settings.shell!),
    fileWrite: plain(settings.fileWrite!),
    database: plain(settings.database!),
    safety: plain(settings.safety!),
    environmentSafety: { ...resolved.safety },
    approval: {
      mode: plain(settings.approvalMode!),
      requiredTools: [...profile.requiredTools],
      dangerousPatterns: [...profile.dangerousPatterns],
    },
    bashOnly: plain(settings.bashOnly!),
    ceilings: [...ceilings],
    servers,
    upstreamRequests: { sampling: plain(settings.sampling!), elicitation: plain(settings.elicitation!) },
  };
}

/** Drops the bookkeeping of which layer granted a setting: the policy only needs value and source. */
function plain<T>(setting: Setting<T>): Setting<T> {
  return { value: setting.value, source: setting.source };
}
