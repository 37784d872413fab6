// The zod schema of gateway.yaml (docs/config-reference.md). Every object is strict: an unknown key is an error.
// The schema only validates; defaults and conversions (durations to ms, paths to absolute) happen in
// resolution, so the generated JSON Schema describes exactly what a person writes.
import { z } from 'zod';
import { globProblem } from './globs.js';
import { parseRegexLiteral, regexSafetyProblem } from './regex-safety.js';
import { DURATION_PATTERN, SIZE_PATTERN } from './units.js';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Server ids appear in `server/tool` rules and in exposed names (`^[a-zA-Z0-9_-]{1,64}$`), so no dots.
const SERVER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function name(what: string) {
  return z.string().regex(NAME_PATTERN, {
    error: (issue) => `Invalid ${what} name "${String(issue.input)}"; use letters, digits, ".", "-" and "_", starting with a letter or digit`,
  });
}

const serverId = z.string().regex(SERVER_ID_PATTERN, {
  error: (issue) => `Invalid server id "${String(issue.input)}"; use letters, digits, "-" and "_", starting with a letter or digit`,
});

const nonEmpty = z.string().min(1, { error: 'Empty value; write a value or remove the key' });

function glob(scope: 'tool' | 'name' | 'path' | 'server', description: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = globProblem(value, scope);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(description);
}

const toolGlob = glob(
  'tool',
  'A picomatch glob over "server/tool", e.g. "fs/read_*" or "*/delete*"; or over a resource, "resource:fs/file:///work/**", or a prompt, "prompt:echo/greet".',
);
const toolGlobs = z.array(toolGlob);
const nameGlobs = z.array(glob('name', 'A picomatch glob over a bare tool name, e.g. "read_*".'));

const dangerousPattern = z
  .string()
  .superRefine((value, ctx) => {
    if (value.trim() === '') {
      ctx.addIssue({ code: 'custom', message: 'Empty dangerous pattern; write a phrase such as "rm -rf" or a "/regex/"' });
      return;
    }
    const literal = parseRegexLiteral(value);
    const problem = literal && regexSafetyProblem(literal.source, literal.flags);
    if (problem) ctx.addIssue({ code: 'custom', message: `Regex "${value}" is refused because ${problem}; simplify it or write a literal phrase` });
  })
  .describe('A literal phrase matched on normalised argument text, or "/regex/flags".');

const duration = z
  .string()
  .regex(DURATION_PATTERN, {
    error: (issue) => `Invalid duration "${String(issue.input)}"; write a whole number with ms, s, m or h, like "500ms", "30s" or "2m"`,
  })
  .describe('A duration: "500ms", "30s", "2m" or "1h".');

const size = z
  .string()
  .regex(SIZE_PATTERN, { error: (issue) => `Invalid size "${String(issue.input)}"; write a whole number with b, kb, mb or gb, like "4mb"` })
  .describe('A size: "512kb", "4mb" (binary units).');

const httpUrl = z.url({
  protocol: /^https?$/,
  error: (issue) => `Invalid URL "${String(issue.input)}"; write an http:// or https:// address`,
});

const envValue = z.union([z.string(), z.number(), z.boolean()], {
  error: 'Expected a string, number or boolean',
});
const envMap = z.record(
  z.string().regex(ENV_NAME_PATTERN, { error: (issue) => `Invalid environment variable name "${String(issue.input)}"` }),
  envValue,
);

export const webhookSchema = z.strictObject({
  url: httpUrl.describe('Where approval requests are POSTed.'),
  secret: nonEmpty.optional().describe('HMAC-SHA256 key for the signature header.'),
});

export const shellMode = z.enum(['restricted', 'unrestricted']);
export const fileWriteMode = z.enum(['off', 'create-only', 'full']);
export const databaseMode = z.enum(['readonly', 'mutations']);
export const safetyMode = z.enum(['safe', 'standard', 'full']);

const serverGlobs = z.array(glob('server', 'A glob over server ids, e.g. "github" or "*".'));

const upstreamRequests = z
  .strictObject({
    sampling: serverGlobs.optional().describe('Servers that may ask the agent’s model (sampling/createMessage); default none.'),
    elicitation: serverGlobs.optional().describe('Servers that may ask the user (elicitation/create); default every server.'),
  })
  .describe('Which servers may send requests to the agent’s client.');

// Issue 13: how the gateway answers a tool whose definition changed since it was pinned, a tool not
// pinned yet, and a definition the scanner flags. Set globally, per environment and per server; the
// most specific wins; unset everywhere, ask with a human channel and deny without (see docs/pinning.md).
const vettingMode = z
  .enum(['off', 'warn', 'ask', 'deny'])
  .describe('off: not checked; warn: audit and log; ask: the first call asks a person (with the diff or findings); deny: hidden and refused.');
const newToolsMode = z.enum(['allow', 'ask', 'deny']).describe('What a tool not in the pins gets (default: as pinning.mode for a changed tool).');
const pinningLocal = z.strictObject({ mode: vettingMode.optional(), new_tools: newToolsMode.optional() });
export const pinningSchema = z.strictObject({
  ...pinningLocal.shape,
  lockfile: nonEmpty.optional().describe('The lockfile of pinned definitions, relative to this file (default gateway.lock beside it).'),
});
export const scanningSchema = z.strictObject({ mode: vettingMode.optional() });

const approvalSettings = z.strictObject({
  mode: z.enum(['all', 'dangerous', 'granular', 'none']).optional(),
  required_tools: toolGlobs.optional().describe('Tools that ask in granular mode.'),
  dangerous_patterns: z.array(dangerousPattern).optional(),
});

const approvalChannels = z
  .array(z.enum(['elicitation', 'console', 'webhook']))
  .describe('Channels that reach a person: elicitation (the agent\'s own client), console, webhook.');

/** Keys a profile and an agent share: rules and mode settings. */
const permissionShape = {
  extends: z.array(z.string()).optional().describe('Profiles to build on, in order; later ones override earlier settings.'),
  allow: toolGlobs.optional(),
  ask: toolGlobs.optional(),
  deny: toolGlobs.optional(),
  shell: shellMode.optional(),
  file_write: fileWriteMode.optional(),
  database: databaseMode.optional(),
  safety: safetyMode.optional(),
  approval: approvalSettings.optional(),
  bash_only: z.boolean().optional().describe('Expose only shell tools.'),
  timeout: duration.optional().describe('Per-call timeout for this profile’s calls.'),
  working_dir: nonEmpty.optional().describe('Working directory of stdio upstreams started for this agent.'),
  upstream_requests: upstreamRequests.optional(),
};

export const profileSchema = z.strictObject(permissionShape);

export const agentSchema = z.strictObject({
  ...permissionShape,
  approval: z
    .strictObject({
      ...approvalSettings.shape,
      channels: approvalChannels.optional().describe('This agent\'s channels; win over the environment\'s and approval.channels.'),
    })
    .optional(),
  token: nonEmpty.optional().describe('Bearer token that identifies the agent on the HTTP front.'),
  webhook: webhookSchema.optional(),
});

export const serverSchema = z.strictObject({
  command: nonEmpty.optional().describe('Program of a stdio upstream, started without a shell.'),
  args: z.array(z.string()).optional(),
  env: envMap.optional().describe('Added to a minimal inherited environment.'),
  cwd: nonEmpty.optional().describe('Working directory, relative to this file.'),
  url: httpUrl.optional().describe('Address of a remote upstream.'),
  transport: z.enum(['stdio', 'http', 'sse']).optional().describe('Inferred: command means stdio, url means http.'),
  headers: z.record(nonEmpty, z.string()).optional(),
  kind: z.enum(['shell', 'filesystem', 'database', 'generic']).optional(),
  readonly: nameGlobs.optional().describe('Tools known to change nothing.'),
  trusted: z.boolean().optional().describe('Believe the server’s readOnlyHint / destructiveHint annotations.'),
  timeout: duration.optional().describe('Per-call timeout (default 60s).'),
  max_result_bytes: size.optional().describe('Largest answer read from a stdio server (default 16mb); a larger one fails its call.'),
  startup: z.enum(['lazy', 'eager']).optional().describe('eager: started when an agent session opens; lazy: on the first tools/list or call.'),
  required: z.boolean().optional().describe('The gateway exits with code 1 and the reason when this server cannot start (fail fast in CI).'),
  dialect: z.enum(['postgres', 'mysql', 'sqlite']).optional(),
  roots: z.array(nonEmpty).optional().describe('Directories a filesystem server serves.'),
  pinning: pinningLocal.optional().describe('Pinning of this server\'s definitions; wins over the environment\'s and the global pinning.'),
  scanning: scanningSchema.optional().describe('Description scanning of this server; wins over the environment\'s and the global scanning.'),
  inspect: z
    .strictObject({
      read_tools: nameGlobs.optional(),
      write_tools: nameGlobs.optional(),
      arguments: z.array(nonEmpty).optional(),
      allow_commands: z.array(nonEmpty).optional(),
      sensitive_paths: z.array(glob('path', 'A glob over file paths.')).optional().describe('Paths this server may not read or write, added to the built-in list and the top-level sensitive_paths.'),
      unsafe_functions: z.array(nonEmpty).optional(),
    })
    .optional(),
});

export const environmentSchema = z.strictObject({
  safety: safetyMode.optional(),
  audit: z.boolean().optional(),
  agents: z.array(z.string()).optional().describe('Only these agents may work here.'),
  env: envMap.optional().describe('Variables given to stdio upstreams.'),
  webhook: webhookSchema.optional(),
  approval: z
    .strictObject({ channels: approvalChannels.optional().describe('Channels here; win over approval.channels, lose to an agent\'s.') })
    .optional(),
  pinning: pinningLocal.optional().describe('Pinning here; wins over the global pinning, loses to a server\'s.'),
  scanning: scanningSchema.optional().describe('Description scanning here; wins over the global scanning, loses to a server\'s.'),
});

export const policySchema = z.strictObject({
  ceilings: z.record(toolGlob, z.enum(['ask', 'deny'])).optional().describe('Tools never decided more loosely than ask or deny.'),
  shell: shellMode.optional(),
  file_write: fileWriteMode.optional(),
  database: databaseMode.optional(),
  servers: z
    .strictObject({
      allow: z.array(serverId).optional().describe('The only server ids allowed.'),
      local: z.boolean().optional().describe('false: no stdio (local) servers.'),
    })
    .optional(),
});

export const approvalSchema = z.strictObject({
  timeout: duration.optional().describe('An unanswered ask is denied after this (default 2m).'),
  channels: approvalChannels.optional(),
  non_interactive: z.enum(['deny', 'allow']).optional().describe('What an ask becomes when no channel reaches a human.'),
  webhook: webhookSchema.optional(),
  max_pending_per_agent: z
    .int({ error: 'Expected a whole number of calls, like 20' })
    .min(1, { error: 'Must be at least 1; an agent with no room for a pending call could never be approved' })
    .optional()
    .describe('Calls of one agent that may wait for approval at once in one gateway; past it an ask is denied (default 20).'),
});

export const auditRequired = z
  .boolean()
  .optional()
  .describe('Refuse a call whose audit record cannot be stored, rather than answer it unaudited (default true with the postgres store; the JSONL file never refuses).');

export const auditSchema = z.strictObject({
  path: nonEmpty.optional(),
  fsync: z.boolean().optional().describe('fsync each batch of records before the answers of its calls leave, so a power loss cannot lose an answered call’s record (default false).'),
  required: auditRequired,
});

export const storeSchema = z
  .strictObject({
    kind: z.enum(['file', 'postgres']).describe('file (default): tickets and the console token in the state directory, audit in the JSONL file. postgres: all of them in PostgreSQL, shared by every replica.'),
    url: nonEmpty.optional().describe('postgres: the database, e.g. "${DATABASE_URL}" (postgres://USER:PASSWORD@HOST:PORT/DATABASE).'),
    pool_size: z
      .int({ error: 'Expected a whole number of connections, like 10' })
      .min(1, { error: 'Must be at least 1' })
      .max(1000, { error: 'At most 1000 connections' })
      .optional()
      .describe('postgres: most connections each gateway opens (default 10).'),
  })
  .superRefine((store, ctx) => {
    if (store.kind === 'file') {
      for (const key of ['url', 'pool_size'] as const) {
        if (store[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is only for kind "postgres"; remove it or set kind: postgres` });
      }
      return;
    }
    if (store.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: 'The postgres store needs "url", e.g. url: ${DATABASE_URL}' });
      return;
    }
    const problem = postgresUrlProblem(store.url);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
  })
  .describe('Where tickets, the console token and audit records live.');

/** Why `url` is not a PostgreSQL connection URL; the URL itself is never echoed (it may hold a password). */
export function postgresUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Invalid PostgreSQL URL; write postgres://USER:PASSWORD@HOST:PORT/DATABASE';
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    return `Invalid PostgreSQL URL: the scheme is "${parsed.protocol.replace(/:$/, '')}"; write postgres://USER:PASSWORD@HOST:PORT/DATABASE`;
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) return 'Invalid PostgreSQL URL: no host; write postgres://USER:PASSWORD@HOST:PORT/DATABASE';
  return undefined;
}

export const httpSchema = z.strictObject({
  allowed_hosts: z.array(nonEmpty).optional(),
  allowed_origins: z.array(nonEmpty).optional(),
  max_body: size.optional(),
  session_evict_after: duration
    .optional()
    .describe('How long an HTTP session must go unused before it may be closed to make room for a new session of the same agent (default 60s).'),
});

export const metricsSchema = z.strictObject({
  token: nonEmpty.optional().describe('Bearer token a scraper of `serve --metrics` must send; required when it listens beyond loopback.'),
});

export const gatewaySchema = z
  .strictObject({
    servers: z.record(serverId, serverSchema).optional(),
    profiles: z.record(name('profile'), profileSchema).optional(),
    agents: z.record(name('agent'), agentSchema).optional(),
    environments: z.record(name('environment'), environmentSchema).optional(),
    default_environment: z.string().optional(),
    tool_names: z.enum(['prefixed', 'passthrough']).optional(),
    policy: policySchema.optional(),
    approval: approvalSchema.optional(),
    audit: auditSchema.optional(),
    http: httpSchema.optional(),
    metrics: metricsSchema.optional(),
    store: storeSchema.optional(),
    pinning: pinningSchema.optional(),
    scanning: scanningSchema.optional(),
    sensitive_paths: z
      .array(glob('path', 'A glob over file paths.'))
      .optional()
      .describe('Paths no call to any server may read or write, added to the built-in list; a relative glob matches at any depth.'),
  })
  .describe('mcp-warden gateway configuration');

export type GatewayFile = z.infer<typeof gatewaySchema>;
export type ServerEntry = z.infer<typeof serverSchema>;
export type ProfileEntry = z.infer<typeof profileSchema>;
export type AgentEntry = z.infer<typeof agentSchema>;
export type EnvironmentEntry = z.infer<typeof environmentSchema>;
export type PolicyEntry = z.infer<typeof policySchema>;
export type ApprovalEntry = z.infer<typeof approvalSchema>;
export type WebhookEntry = z.infer<typeof webhookSchema>;
