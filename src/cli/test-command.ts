// `mcp-warden test TESTS.yaml`: policy tests users keep under CI. Each case names a call and the
// decision it must get; any mismatch exits 1.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { WardenError } from '../errors.js';
import type { ConfigOptions } from './args.js';
import { loadContext, requireAgent } from './context.js';
import { explainCall } from './explain.js';
import type { Io } from './io.js';

const TestCase = z.strictObject({
  name: z.string().optional(),
  agent: z.string().min(1),
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).optional(),
  environment: z.string().optional(),
  expect: z.enum(['allow', 'ask', 'deny']),
});
const TestList = z.array(TestCase);
const TestFile = z.strictObject({ tests: TestList });

export async function runPolicyTests(values: ConfigOptions, io: Io, operands: string[]): Promise<number> {
  const file = operands[0];
  if (!file || operands.length > 1) throw new WardenError('BAD_INPUT', 'Usage: mcp-warden test [--config F] TESTS.yaml');
  const cases = await readCases(file);
  const { config, environment: defaultEnvironment } = await loadContext(io, values);
  let passed = 0;
  let failed = 0;
  for (const [index, testCase] of cases.entries()) {
    const label = testCase.name ?? `#${index + 1} ${testCase.agent} → ${testCase.tool}`;
    const environment = testCase.environment ?? defaultEnvironment;
    requireAgent(config, testCase.agent);
    if (!config.environments[environment]) throw new WardenError('UNKNOWN_ENVIRONMENT', `${file}: test "${label}" names unknown environment "${environment}"`);
    const decision = await explainCall(config, environment, testCase.agent, testCase.tool, testCase.args ?? {});
    if (decision.decision === testCase.expect) {
      passed += 1;
      io.out(`ok   ${label}: ${decision.decision}`);
    } else {
      failed += 1;
      io.out(`FAIL ${label}: expected ${testCase.expect}, got ${decision.decision}`);
      for (const reason of decision.reasons) io.out(`       ${reason.layer}: ${reason.message} (${reason.rule} at ${reason.source})`);
    }
  }
  io.out(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

async function readCases(file: string): Promise<z.infer<typeof TestCase>[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new WardenError('BAD_INPUT', `Cannot read policy tests "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new WardenError('BAD_INPUT', `${file}: ${(error as Error).message}`);
  }
  // A list, or `tests:` holding one; parsing each shape on its own gives errors that point at the case.
  const result = Array.isArray(data) ? TestList.safeParse(data) : TestFile.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new WardenError('BAD_INPUT', `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return Array.isArray(result.data) ? result.data : result.data.tests;
}
