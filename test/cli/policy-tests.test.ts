// `mcp-warden test`: the README's own example holds on the bundled config, a case can pin the rule or
// layer that decides, and every problem in a tests file is reported at its FILE:LINE.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../e2e/harness.js';
import { runCli } from './run-cli.js';

const BUNDLED = join(ROOT, 'gateway.yaml');

function testsFile(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-policy-tests-'));
  const file = join(dir, 'policy-tests.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

test("the README's policy-tests.yaml passes, exactly as written, on the bundled gateway.yaml", async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const example = /```yaml\n# policy-tests\.yaml[^\n]*\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const { dir, file } = testsFile(example!);
  const result = await runCli(['test', '--config', BUNDLED, file], dir);
  expect(result.out).toMatch(/^3 passed, 0 failed$/m);
  expect(result.code).toBe(0);
});

test('rule: and layer: pass only when that rule or layer decides', async () => {
  const { dir, file } = testsFile(`tests:
  - { agent: ci, tool: fs/delete_file, expect: deny, rule: 'deny: "*/delete*"' }
  - { agent: ci, tool: fs/move_file, expect: deny, rule: fs/move_file, layer: name }
  - { name: wrong rule, agent: ci, tool: fs/move_file, expect: deny, rule: "*/delete*" }
  - { name: wrong layer, agent: claude-code, tool: fs/write_file, args: { path: a.txt, content: x }, environment: prod, expect: deny, layer: name }
`);
  const result = await runCli(['test', '--config', BUNDLED, file], dir);
  expect(result.code).toBe(1);
  expect(result.out).toContain('ok   #1 ci → fs/delete_file: deny');
  expect(result.out).toContain('ok   #2 ci → fs/move_file: deny');
  expect(result.out).toContain('FAIL wrong rule: expected deny by rule */delete*, got deny by name deny: "fs/move_file"  (policy-tests.yaml:4)');
  expect(result.out).toContain('FAIL wrong layer: expected deny by layer name, got deny by safety safety: safe  (policy-tests.yaml:5)');
  expect(result.out).toContain('2 passed, 2 failed');
});

test.each([
  ['- { agent: ci, tool: fs/read_file, expect: allow }\n- { agent: ci, tool: fs/read_file, expect: maybe }\n', /^mcp-warden: policy-tests\.yaml:2:\d+ \[1\]\.expect: /],
  ['- { agent: ci, tool: fs/read_file, expect: allow, layer: vibes }\n', /^mcp-warden: policy-tests\.yaml:1:\d+ \[0\]\.layer: /],
  ['- { agent: ci, tool: fs/read_file, expect: allow, bogus: 1 }\n', /^mcp-warden: policy-tests\.yaml:1:\d+ \[0\]: .*bogus/],
  ['- { agent: ci, tool: fs/read_file\n', /^mcp-warden: policy-tests\.yaml:\d+:\d+ /],
  ['- { agent: ci, tool: fs/read_file, expect: allow }\n- { agent: cj, tool: fs/read_file, expect: allow }\n', /^mcp-warden: policy-tests\.yaml:2: test "#2 cj → fs\/read_file": Unknown agent "cj"; did you mean "ci"/],
])('a bad tests file is one located message, exit 1 (%#)', async (text, message) => {
  const { dir, file } = testsFile(text);
  const result = await runCli(['test', '--config', BUNDLED, file], dir);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(message);
  expect(result.err.split('\n')).toHaveLength(1);
});
