// Reads a policy tests file (`mcp-warden test`): a list of cases, or `tests:` holding one. Every
// problem, and every case, is located as FILE:LINE so a failing CI log points at the line to fix.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { WardenError, formatIssues } from '../errors.js';
import { SourceMap } from '../config/source-map.js';

const LAYERS = ['input', 'agent', 'name', 'inspection', 'safety', 'approval', 'ceiling'] as const;

const TestCase = z.strictObject({
  name: z.string().optional(),
  agent: z.string().min(1),
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).optional(),
  environment: z.string().optional(),
  expect: z.enum(['allow', 'ask', 'deny']),
  /** The rule that must decide: as explain prints it (`deny: "*\/delete*"`) or just its pattern (`*\/delete*`). */
  rule: z.string().min(1).optional(),
  /** The layer that must decide, e.g. `name`, `safety`, `ceiling`. */
  layer: z.enum(LAYERS).optional(),
});
const TestList = z.array(TestCase);
const TestFile = z.strictObject({ tests: TestList });

export type PolicyTestCase = z.infer<typeof TestCase> & {
  /** `policy-tests.yaml:3`, where the case is written. */
  at: string;
};

/** The cases of `file`, each with its location; a file that cannot be read or parsed is a BAD_INPUT naming FILE:LINE. */
export async function readPolicyTests(file: string, cwd: string): Promise<PolicyTestCase[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new WardenError('BAD_INPUT', `Cannot read policy tests "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const shown = relative(cwd, file) || file;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const map = new SourceMap(doc, lines, shown);
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, column } = map.offsetPosition(syntax.pos[0]);
    throw new WardenError('BAD_INPUT', formatIssues([{ file: shown, line, column, path: '', message: syntax.message.split('\n')[0]! }]));
  }
  const data: unknown = doc.toJS();
  // Each shape is parsed on its own, so that an error points into the case rather than at the union.
  const listed = Array.isArray(data);
  const result = listed ? TestList.safeParse(data) : TestFile.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path as Array<string | number>;
    throw new WardenError('BAD_INPUT', formatIssues([map.issue(path, issue.message, { key: issue.code === 'unrecognized_keys' })]));
  }
  const cases = Array.isArray(result.data) ? result.data : result.data.tests;
  const prefix = listed ? [] : ['tests'];
  return cases.map((testCase, index) => ({ ...testCase, at: `${shown}:${map.position([...prefix, index]).line}` }));
}
