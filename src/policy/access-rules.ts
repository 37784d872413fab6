// The rules for what an upstream offers besides tools: `resource:server/uri-glob` and
// `prompt:server/name-glob`, written in the same allow, ask and deny lists as the tool globs. They are
// split from the tool rules here, so a tool glob (even the built-ins' "**") never grants a resource.
import picomatch from 'picomatch';
import type { EffectivePolicy, Rule } from './types.js';
import { compileRuleList, type RuleList } from './rule-list.js';

export type AccessKind = 'resource' | 'prompt';

export const ACCESS_PREFIX: Readonly<Record<AccessKind, string>> = { resource: 'resource:', prompt: 'prompt:' };

/** A rule as written (`pattern`), compiled over `server/name` (`glob`). */
export interface AccessRule {
  pattern: string;
  source: string;
  /** What the glob matches: the pattern without its prefix. */
  glob: string;
}

export interface AccessCeiling extends AccessRule {
  verdict: 'ask' | 'deny';
}

export interface CompiledAccessRules {
  allow: RuleList<AccessRule & { pattern: string }>;
  ask: RuleList<AccessRule>;
  deny: RuleList<AccessRule>;
  ceilings: RuleList<AccessCeiling>;
  /**
   * Whether an allow or ask rule of this kind is written for `server`: then the server's resources
   * (or prompts) are default deny like tools, instead of following the server's tools.
   */
  namesServer(server: string): boolean;
}

/** The kind a rule pattern is written for; undefined for a tool glob. */
export function accessKindOf(pattern: string): AccessKind | undefined {
  if (pattern.startsWith(ACCESS_PREFIX.resource)) return 'resource';
  if (pattern.startsWith(ACCESS_PREFIX.prompt)) return 'prompt';
  return undefined;
}

/** The tool rules of a list: everything without a `resource:` or `prompt:` prefix. */
export function toolRules<R extends { pattern: string }>(rules: readonly R[]): R[] {
  return rules.filter((rule) => accessKindOf(rule.pattern) === undefined);
}

/** Compiles the rules of `kind` from an agent's merged lists and the ceilings. */
export function compileAccessRules(policy: EffectivePolicy, kind: AccessKind): CompiledAccessRules {
  const pick = <R extends Rule>(rules: readonly R[]): Array<R & AccessRule> =>
    rules.filter((rule) => accessKindOf(rule.pattern) === kind).map((rule) => ({ ...rule, glob: rule.pattern.slice(ACCESS_PREFIX[kind].length) }));
  // The rule lists compile `pattern`; hand them the glob and keep the written pattern for reasons.
  const compile = <R extends AccessRule>(rules: R[], nocase: boolean, onInvalid: 'match' | 'never') => {
    const list = compileRuleList(
      rules.map((rule) => ({ pattern: rule.glob, source: rule.source, rule })),
      { nocase, onInvalid },
    );
    return {
      size: list.size,
      first: (subject: string) => list.first(subject)?.rule,
      all: (subject: string) => list.all(subject).map((entry) => entry.rule),
    } satisfies RuleList<R>;
  };
  const allow = pick(policy.allow);
  const ask = pick(policy.ask);
  const serverMatchers = [...allow, ...ask].map((rule) => serverMatcher(rule.glob));
  const named = new Map<string, boolean>();
  return {
    allow: compile(allow, false, 'never'),
    ask: compile(ask, true, 'match'),
    deny: compile(pick(policy.deny), true, 'match'),
    ceilings: compile(pick(policy.ceilings), true, 'match'),
    namesServer(server) {
      let found = named.get(server);
      if (found === undefined) {
        found = serverMatchers.some((matches) => matches(server));
        if (named.size < 1000) named.set(server, found);
      }
      return found;
    },
  };
}

/** Whether a glob over `server/name` can match names of `server`, judged by its server part. */
function serverMatcher(glob: string): (server: string) => boolean {
  if (glob.startsWith('**')) return () => true;
  const slash = glob.indexOf('/');
  const segment = slash < 0 ? glob : glob.slice(0, slash);
  try {
    const re = picomatch.makeRe(segment, { dot: true });
    return (server) => re.test(server);
  } catch {
    // A server part that cannot be compiled names every server: the stricter default for allow.
    return () => true;
  }
}
