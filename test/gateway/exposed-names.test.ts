import { expect, test } from 'vitest';
import { assignExposedNames, byCodeUnits, EXPOSED_NAME_BUDGET } from '../../src/gateway/exposed-names.js';

const CLAUDE_PREFIX = 'mcp__mcp-warden__';
const VALID_FOR_CLAUDE = /^[a-zA-Z0-9_-]{1,64}$/;

function names(tools: Array<[string, string]>, mode: 'prefixed' | 'passthrough' = 'prefixed') {
  return assignExposedNames(tools.map(([server, tool]) => ({ server, tool })), mode);
}

test('plain names are <server>_<tool>', () => {
  expect([...names([['fs', 'read_file'], ['github', 'create_issue']]).keys()]).toEqual(['fs_read_file', 'github_create_issue']);
});

test('characters clients reject are replaced, and the name stays valid with Claude Code\'s prefix', () => {
  const result = names([['fs', 'admin.tools.list'], ['a', 'x y/ü']]);
  for (const name of result.keys()) {
    expect(name).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(`${CLAUDE_PREFIX}${name}`).toMatch(VALID_FOR_CLAUDE);
  }
});

test('names that would collide get distinct, stable hashed names', () => {
  const result = names([['a_b', 'c'], ['a', 'b_c']]);
  expect(result.size).toBe(2);
  const exposed = [...result.keys()];
  expect(new Set(exposed).size).toBe(2);
  for (const name of exposed) expect(name).toMatch(/^a_b_c_[0-9a-f]{8}$/);
  expect(names([['a', 'b_c'], ['a_b', 'c']])).toEqual(result);
});

test('long names are shortened with a hash within the budget, and stay unique', () => {
  const long = 'x'.repeat(100);
  const result = names([['server', `${long}1`], ['server', `${long}2`]]);
  expect(result.size).toBe(2);
  for (const name of result.keys()) {
    expect(name.length).toBeLessThanOrEqual(EXPOSED_NAME_BUDGET);
    expect(`${CLAUDE_PREFIX}${name}`).toMatch(VALID_FOR_CLAUDE);
  }
});

test('a hashed name never takes a name another tool has plainly', () => {
  const first = names([['a_b', 'c'], ['a', 'b_c']]);
  const clash = [...first.keys()][0]!;
  const [server, ...rest] = clash.split('_');
  const result = names([['a_b', 'c'], ['a', 'b_c'], [server!, rest.join('_')]]);
  expect(result.size).toBe(3);
  expect(new Set([...result.values()].map((q) => `${q.server}/${q.tool}`)).size).toBe(3);
});

test('passthrough keeps upstream names unchanged when they are valid', () => {
  expect([...names([['only', 'read_file'], ['only', 'write_file']], 'passthrough').keys()]).toEqual(['read_file', 'write_file']);
  const hashed = [...names([['only', 'bad.name']], 'passthrough').keys()][0]!;
  expect(hashed).toMatch(/^bad_name_[0-9a-f]{8}$/);
});

test('the same tools always get the same names, whatever order they arrive in', () => {
  const tools: Array<[string, string]> = Array.from({ length: 50 }, (_, i) => [`s${i % 3}`, `t${(i * 7) % 11}_${'y'.repeat(i)}`]);
  const a = names(tools);
  const b = names([...tools].reverse());
  expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
});

test('order is by code units, not the locale: the same names on every machine', () => {
  // localeCompare would put "a" before "B" (and differ between locales); code units put "B" first.
  expect(['b', 'a', 'B', '_', 'Z', 'é'].sort(byCodeUnits)).toEqual(['B', 'Z', '_', 'a', 'b', 'é']);
  const result = names([['s', 'Tool'], ['s', 'tool'], ['t', 'x']]);
  expect([...result.keys()]).toEqual(['s_Tool', 's_tool', 't_x']);
});
