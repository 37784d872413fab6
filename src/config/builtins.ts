// The built-in profiles (docs/config-reference.md, "Built-in profiles"). Each allows every tool by
// name and restricts through its modes, and sets every mode, so whichever comes last in `extends`
// fully decides the modes it sets.
import type { Rule, Setting } from '../policy/types.js';
import type { ModeSettings, ProfileLayer } from './profile-layer.js';

export const BUILTIN_PROFILES = ['readonly', 'developer', 'eval', 'developer-bash-only'] as const;

/**
 * Tools the built-in developer profile asks about (approval granular): every tool of a server with
 * `kind: database`, plus tools whose names say they run queries or statements on any server.
 */
export const DEVELOPER_REQUIRED_TOOLS = ['*/query', '*/*_query', '*/*sql*', '*/execute*'] as const;

/** Phrases that ask in readonly and developer (approval is off in eval); matched on normalised text. */
export const BUILTIN_DANGEROUS_PATTERNS = [
  'rm -rf',
  'git push --force',
  'git reset --hard',
  'drop table',
  'drop database',
  'truncate table',
  'mkfs',
  'chmod -R 777',
] as const;

/** The built-in profiles as layers; `databaseServers` are the ids of servers with kind database. */
export function builtinLayers(databaseServers: readonly string[]): Map<string, ProfileLayer> {
  const developerTools = [...databaseServers.map((id) => `${id}/*`), ...DEVELOPER_REQUIRED_TOOLS];
  const developer = {
    shell: 'unrestricted',
    fileWrite: 'full',
    database: 'readonly',
    safety: 'full',
    approvalMode: 'granular',
    bashOnly: false,
  } as const;
  return new Map([
    layer('readonly', { shell: 'restricted', fileWrite: 'off', database: 'readonly', safety: 'safe', approvalMode: 'dangerous', bashOnly: false }, [], BUILTIN_DANGEROUS_PATTERNS),
    layer('developer', developer, developerTools, BUILTIN_DANGEROUS_PATTERNS),
    layer('eval', { shell: 'unrestricted', fileWrite: 'full', database: 'mutations', safety: 'full', approvalMode: 'none', bashOnly: false }),
    layer('developer-bash-only', { ...developer, bashOnly: true }, developerTools, BUILTIN_DANGEROUS_PATTERNS),
  ]);
}

type Values = { [K in keyof ModeSettings]-?: NonNullable<ModeSettings[K]> extends Setting<infer T> ? T : never };

function layer(
  name: string,
  values: Omit<Values, 'timeoutMs' | 'workingDir' | 'sampling' | 'elicitation'>,
  requiredTools: readonly string[] = [],
  dangerousPatterns: readonly string[] = [],
): [string, ProfileLayer] {
  const source = `built-in profile "${name}"`;
  const rule = (pattern: string): Rule => ({ pattern, source });
  const settings = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, source }])) as ModeSettings;
  return [
    name,
    { label: source, builtin: true, extends: [], allow: [rule('**')], ask: [], deny: [], requiredTools: requiredTools.map(rule), dangerousPatterns: dangerousPatterns.map(rule), settings },
  ];
}
