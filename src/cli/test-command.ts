// `mcp-warden test TESTS.yaml`: policy tests users keep under CI. Each case names a call and the
// decision it must get, and optionally the rule or layer that must decide it; any mismatch exits 1.
import { WardenError } from '../errors.js';
import type { Decision, Reason } from '../policy/types.js';
import type { ConfigOptions } from './args.js';
import { loadContext, requireAgent } from './context.js';
import { explainCall } from './explain.js';
import type { Io } from './io.js';
import { readPolicyTests, type PolicyTestCase } from './policy-test-file.js';

export async function runPolicyTests(values: ConfigOptions, io: Io, operands: string[]): Promise<number> {
  const file = operands[0];
  if (!file || operands.length > 1) throw new WardenError('BAD_INPUT', 'Usage: mcp-warden test [--config F] TESTS.yaml');
  const cases = await readPolicyTests(file, io.cwd);
  const { config, environment: defaultEnvironment } = await loadContext(io, values);
  let passed = 0;
  let failed = 0;
  for (const [index, testCase] of cases.entries()) {
    const label = testCase.name ?? `#${index + 1} ${testCase.agent} → ${testCase.tool}`;
    const environment = testCase.environment ?? defaultEnvironment;
    try {
      requireAgent(config, testCase.agent);
    } catch (error) {
      throw new WardenError('BAD_INPUT', `${testCase.at}: test "${label}": ${(error as Error).message}`, { cause: error });
    }
    if (!config.environments[environment]) throw new WardenError('UNKNOWN_ENVIRONMENT', `${testCase.at}: test "${label}" names unknown environment "${environment}"`);
    const decision = await explainCall(config, environment, testCase.agent, testCase.tool, testCase.args ?? {});
    const mismatch = mismatchOf(testCase, decision);
    if (!mismatch) {
      passed += 1;
      io.out(`ok   ${label}: ${decision.verdict}`);
    } else {
      failed += 1;
      io.out(`FAIL ${label}: ${mismatch}  (${testCase.at})`);
      for (const reason of decision.reasons) io.out(`       ${reason.layer}: ${reason.message} (${reason.rule} at ${reason.source})`);
    }
  }
  io.out(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/**
 * What is wrong with `decision` for this case, or undefined when it holds. The deciding reasons are
 * those that give the final verdict (a later layer may only agree or tighten); `rule:` and `layer:`
 * hold when one of them matches, since each alone would have decided the call.
 */
export function mismatchOf(testCase: Pick<PolicyTestCase, 'expect' | 'rule' | 'layer'>, decision: Decision): string | undefined {
  if (decision.verdict !== testCase.expect) return `expected ${testCase.expect}, got ${decision.verdict}`;
  const deciding = decision.reasons.filter((reason) => reason.decision === decision.verdict);
  const decided = deciding.map((reason) => `${reason.layer} ${reason.rule}`).join('; ') || 'no rule';
  if (testCase.rule !== undefined && !deciding.some((reason) => ruleMatches(reason, testCase.rule!))) {
    return `expected ${testCase.expect} by rule ${testCase.rule}, got ${decision.verdict} by ${decided}`;
  }
  if (testCase.layer !== undefined && !deciding.some((reason) => reason.layer === testCase.layer)) {
    return `expected ${testCase.expect} by layer ${testCase.layer}, got ${decision.verdict} by ${decided}`;
  }
  return undefined;
}

/** `deny: "*\/delete*"` is matched by that text or by the pattern alone, `*\/delete*`. */
function ruleMatches(reason: Reason, expected: string): boolean {
  if (reason.rule === expected) return true;
  const pattern = /^[\w.]+: "(.*)"$/.exec(reason.rule)?.[1];
  return pattern !== undefined && pattern === expected;
}
