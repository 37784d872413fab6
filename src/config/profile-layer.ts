// One profile or agent as a layer of rules and settings, each carrying where it was written. An agent's
// effective policy is its extended profiles' layers and then its own, merged in order.
import path from 'node:path';
import type { ApprovalMode, DatabaseMode, FileWriteMode, Rule, SafetyMode, Setting, ShellMode } from '../policy/types.js';
import type { AgentEntry, ProfileEntry } from './schema.js';
import type { KeyPath, SourceMap } from './source-map.js';
import { parseDuration } from './units.js';

export interface ModeSettings {
  shell?: Setting<ShellMode>;
  fileWrite?: Setting<FileWriteMode>;
  database?: Setting<DatabaseMode>;
  safety?: Setting<SafetyMode>;
  approvalMode?: Setting<ApprovalMode>;
  bashOnly?: Setting<boolean>;
  timeoutMs?: Setting<number>;
  /** Absolute. */
  workingDir?: Setting<string>;
  /** Servers (globs) that may send sampling requests to the agent. */
  sampling?: Setting<string[]>;
  /** Servers (globs) that may send elicitation requests to the agent. */
  elicitation?: Setting<string[]>;
}

export interface ProfileLayer {
  /** How messages name it: `built-in profile "developer"`, `profile "developer"`, `agent "ci"`. */
  label: string;
  builtin: boolean;
  extends: string[];
  allow: Rule[];
  ask: Rule[];
  deny: Rule[];
  requiredTools: Rule[];
  dangerousPatterns: Rule[];
  settings: ModeSettings;
}

/** The yaml key of each mode setting that the policy can cap. */
export const CAPPED_SETTINGS = [
  { key: 'shell', yaml: 'shell', order: ['restricted', 'unrestricted'] },
  { key: 'fileWrite', yaml: 'file_write', order: ['off', 'create-only', 'full'] },
  { key: 'database', yaml: 'database', order: ['readonly', 'mutations'] },
] as const;

/** The layer written at `at` (`['profiles', name]` or `['agents', name]`); relative paths resolve against `baseDir`. */
export function layerFromEntry(entry: ProfileEntry | AgentEntry, at: KeyPath, label: string, context: { map: SourceMap; baseDir: string }): ProfileLayer {
  const { map, baseDir } = context;
  const rules = (list: string[] | undefined, ...key: Array<string>): Rule[] =>
    (list ?? []).map((pattern, index) => ({ pattern, source: map.source([...at, ...key, index]) }));
  const setting = <T>(value: T | undefined, ...key: string[]): Setting<T> | undefined =>
    value === undefined ? undefined : { value, source: map.source([...at, ...key]) };
  return {
    label,
    builtin: false,
    extends: entry.extends ?? [],
    allow: rules(entry.allow, 'allow'),
    ask: rules(entry.ask, 'ask'),
    deny: rules(entry.deny, 'deny'),
    requiredTools: rules(entry.approval?.required_tools, 'approval', 'required_tools'),
    dangerousPatterns: rules(entry.approval?.dangerous_patterns, 'approval', 'dangerous_patterns'),
    settings: dropUndefined({
      shell: setting(entry.shell, 'shell'),
      fileWrite: setting(entry.file_write, 'file_write'),
      database: setting(entry.database, 'database'),
      safety: setting(entry.safety, 'safety'),
      approvalMode: setting(entry.approval?.mode, 'approval', 'mode'),
      bashOnly: setting(entry.bash_only, 'bash_only'),
      timeoutMs: setting(entry.timeout === undefined ? undefined : parseDuration(entry.timeout), 'timeout'),
      workingDir: setting(entry.working_dir === undefined ? undefined : path.resolve(baseDir, entry.working_dir), 'working_dir'),
      sampling: setting(entry.upstream_requests?.sampling, 'upstream_requests', 'sampling'),
      elicitation: setting(entry.upstream_requests?.elicitation, 'upstream_requests', 'elicitation'),
    }),
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
