// Organisation ceilings checked at load: a profile or agent may not grant more than `policy` allows.
// Broad rules (`**`) are not rejected here; the engine clamps them with the same ceilings at run time.
import picomatch from 'picomatch';
import type { CeilingRule } from '../policy/types.js';
import type { ConfigIssue } from '../errors.js';
import type { MergedProfile, PolicyDefaults } from './merge.js';
import { CAPPED_SETTINGS, type ProfileLayer } from './profile-layer.js';
import type { KeyPath, SourceMap } from './source-map.js';

/** Issues for each mode setting the layer (written at `at`) sets above the policy's cap. */
export function checkExplicitModes(layer: ProfileLayer, at: KeyPath, policy: PolicyDefaults, map: SourceMap): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { key, yaml, order } of CAPPED_SETTINGS) {
    const set = layer.settings[key];
    const cap = policy[key];
    if (!set || !cap || rank(order, set.value) <= rank(order, cap.value)) continue;
    issues.push(
      map.issue(
        [...at, yaml],
        `${capitalise(layer.label)} sets ${yaml} "${set.value}", above the policy ceiling ${yaml} "${cap.value}" (${cap.source}); lower it to "${cap.value}" or raise policy.${yaml}`,
      ),
    );
  }
  return issues;
}

/**
 * Issues for each mode an agent gets from a built-in profile above the policy's cap. A user profile
 * that sets one is reported where it sets it, so it is not reported again for every agent.
 */
export function checkInheritedModes(agent: string, merged: MergedProfile, at: KeyPath, policy: PolicyDefaults, map: SourceMap): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { key, yaml, order } of CAPPED_SETTINGS) {
    const got = merged.settings[key];
    const cap = policy[key];
    if (!got?.grantedBy?.builtin || !cap || rank(order, got.value) <= rank(order, cap.value)) continue;
    issues.push(
      map.issue(
        at,
        `Agent "${agent}" gets ${yaml} "${got.value}" from ${got.grantedBy.label}, above the policy ceiling ${yaml} "${cap.value}" (${cap.source}); set ${yaml}: ${cap.value} on the agent or extend a stricter profile`,
      ),
    );
  }
  return issues;
}

/** Issues for each allow (or ask, under a deny ceiling) rule of the layer that lies entirely inside a ceiling. */
export function checkRuleCeilings(layer: ProfileLayer, at: KeyPath, ceilings: readonly CeilingRule[], map: SourceMap): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const matchers = ceilings.map((ceiling) => ({ ceiling, matches: picomatch(ceiling.pattern, { nocase: true, dot: true }) }));
  const check = (rules: typeof layer.allow, kind: 'allow' | 'ask') => {
    rules.forEach((rule, index) => {
      for (const { ceiling, matches } of matchers) {
        if (kind === 'ask' && ceiling.verdict !== 'deny') continue;
        // The rule's pattern taken as a literal name: inside the ceiling means every tool it names is capped.
        if (!matches(rule.pattern)) continue;
        const written = `"${ceiling.pattern}: ${ceiling.verdict}" (${ceiling.source})`;
        const verb = kind === 'allow' ? 'allows' : 'asks for';
        const fix = ceiling.verdict === 'deny' ? 'forbids; remove the rule' : 'caps at ask; move the rule to ask';
        issues.push(map.issue([...at, kind, index], `${capitalise(layer.label)} ${verb} "${rule.pattern}", which the policy ceiling ${written} ${fix} or change the ceiling`));
        break;
      }
    });
  };
  check(layer.allow, 'allow');
  check(layer.ask, 'ask');
  return issues;
}

function rank(order: readonly string[], value: unknown): number {
  return order.indexOf(value as string);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
