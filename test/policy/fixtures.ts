// Builds EffectivePolicy fixtures for the policy tests directly, without the config loader, so each
// test states the merged rules and settings it needs and nothing else.
import type {
  ApprovalMode,
  CeilingRule,
  DatabaseMode,
  EffectivePolicy,
  FileWriteMode,
  Inspection,
  Rule,
  SafetyMode,
  ServerKind,
  ShellMode,
  ToolAnnotations,
  ToolCall,
} from '../../src/policy/types.js';
import { compilePolicy, decide, type CompiledPolicy } from '../../src/policy/index.js';

type RuleInput = string | Rule;

export interface ServerShape {
  kind?: ServerKind;
  readonly?: string[];
  trusted?: boolean;
}

export interface PolicyShape {
  agent?: string;
  environment?: string;
  activeAgents?: string[] | null;
  allow?: RuleInput[];
  ask?: RuleInput[];
  deny?: RuleInput[];
  shell?: ShellMode;
  fileWrite?: FileWriteMode;
  database?: DatabaseMode;
  safety?: SafetyMode;
  environmentSafety?: SafetyMode;
  approval?: ApprovalMode;
  requiredTools?: RuleInput[];
  dangerousPatterns?: RuleInput[];
  bashOnly?: boolean;
  ceilings?: Array<[pattern: string, verdict: 'ask' | 'deny']>;
  servers?: Record<string, ServerShape>;
}

/** The servers most tests use: one of each kind. */
export const SERVERS: Record<string, ServerShape> = {
  github: { kind: 'generic', readonly: ['get_*', 'list_*', 'search_*'] },
  notes: { kind: 'generic', trusted: true },
  shell: { kind: 'shell' },
  fs: { kind: 'filesystem', readonly: ['read_*', 'list_*'] },
  db: { kind: 'database' },
};

/** The four built-in profiles as config resolution produces them (docs/config-reference.md, "Built-in profiles"). */
export const BUILT_IN: Record<'readonly' | 'developer' | 'eval' | 'developer-bash-only', PolicyShape> = {
  readonly: { allow: [builtIn('**', 'readonly')], shell: 'restricted', fileWrite: 'off', database: 'readonly', safety: 'safe', approval: 'dangerous' },
  developer: { allow: [builtIn('**', 'developer')], shell: 'unrestricted', fileWrite: 'full', database: 'readonly', approval: 'granular', requiredTools: [builtIn('db/*', 'developer')] },
  eval: { allow: [builtIn('**', 'eval')], shell: 'unrestricted', fileWrite: 'full', database: 'mutations', approval: 'none' },
  'developer-bash-only': { allow: [builtIn('**', 'developer-bash-only')], shell: 'unrestricted', fileWrite: 'full', database: 'readonly', approval: 'granular', requiredTools: [builtIn('db/*', 'developer-bash-only')], bashOnly: true },
};

function builtIn(pattern: string, profile: string): Rule {
  return { pattern, source: `built-in profile "${profile}"` };
}

function rules(inputs: RuleInput[] | undefined): Rule[] {
  return (inputs ?? []).map((input, index) => (typeof input === 'string' ? { pattern: input, source: `gateway.yaml:${index + 1}:3` } : input));
}

/** An EffectivePolicy where every setting not given adds no restriction (docs/config-reference.md, "How profiles combine"). */
export function makePolicy(shape: PolicyShape = {}): EffectivePolicy {
  const setting = <T>(value: T | undefined, fallback: T) => ({ value: value ?? fallback, source: value === undefined ? 'default' : 'gateway.yaml:profile' });
  const ceilings: CeilingRule[] = (shape.ceilings ?? []).map(([pattern, verdict], index) => ({ pattern, verdict, source: `gateway.yaml:${40 + index}:5` }));
  return {
    agent: shape.agent ?? 'claude-code',
    environment: shape.environment ?? 'dev',
    activeAgents: shape.activeAgents ? { value: shape.activeAgents, source: 'gateway.yaml:env' } : null,
    allow: rules(shape.allow),
    ask: rules(shape.ask),
    deny: rules(shape.deny),
    shell: setting(shape.shell, 'unrestricted'),
    fileWrite: setting(shape.fileWrite, 'full'),
    database: setting(shape.database, 'mutations'),
    safety: setting(shape.safety, 'full'),
    environmentSafety: { value: shape.environmentSafety ?? 'full', source: shape.environmentSafety ? 'gateway.yaml:environment' : 'default' },
    approval: {
      mode: setting(shape.approval, 'none'),
      requiredTools: rules(shape.requiredTools),
      dangerousPatterns: rules(shape.dangerousPatterns),
    },
    bashOnly: setting(shape.bashOnly, false),
    ceilings,
    servers: Object.fromEntries(
      Object.entries(shape.servers ?? SERVERS).map(([id, server]) => [
        id,
        { kind: server.kind ?? 'generic', readonly: rules(server.readonly), trusted: server.trusted ?? false },
      ]),
    ),
  };
}

export function compile(shape: PolicyShape = {}): CompiledPolicy {
  return compilePolicy(makePolicy(shape));
}

export interface CallExtras {
  annotations?: ToolAnnotations;
  inspection?: Inspection;
}

/** A call to `server/tool` (split at the first "/"). */
export function call(name: string, args?: unknown, extras: CallExtras = {}): ToolCall {
  const slash = name.indexOf('/');
  return { server: name.slice(0, slash), tool: name.slice(slash + 1), arguments: args, ...extras };
}

/** Just the verdict, for tables. */
export function verdictOf(compiled: CompiledPolicy, name: string, args?: unknown, extras?: CallExtras): string {
  return decide(compiled, call(name, args, extras)).verdict;
}

/** An inspection that found the call fits and reads only, unless told otherwise. */
export function inspected(check: Inspection['check'], facts: Partial<Inspection> = {}): Inspection {
  return { check, understood: true, writes: false, patternTexts: [], ...facts };
}
