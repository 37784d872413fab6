import { expect, test } from 'vitest';
import type { ApprovalMode, Inspection } from '../../src/policy/types.js';
import { decide } from '../../src/policy/index.js';
import { call, compile, inspected, verdictOf } from './fixtures.js';

const shape = (approval: ApprovalMode) => ({ allow: ['**'], approval, requiredTools: ['github/merge_*', 'db/*'], dangerousPatterns: ['rm -rf', 'DROP TABLE', '/git\\s+push\\s+--force/'] });

test.each([
  // mode all: every call asks
  ['all', 'github/get_issue', undefined, 'ask'],
  ['all', 'github/create_issue', undefined, 'ask'],
  // mode dangerous: writes, shell and database ask; reads do not
  ['dangerous', 'github/get_issue', undefined, 'allow'],
  ['dangerous', 'github/create_issue', undefined, 'ask'],
  ['dangerous', 'shell/run', inspected('shell'), 'ask'],
  ['dangerous', 'db/query', inspected('database'), 'ask'],
  ['dangerous', 'fs/read_file', inspected('filesystem'), 'allow'],
  ['dangerous', 'fs/write_file', inspected('filesystem', { writes: true }), 'ask'],
  // mode granular: only required_tools ask (case-sensitively, as allow rules do)
  ['granular', 'github/merge_pull_request', undefined, 'ask'],
  ['granular', 'db/query', inspected('database', { writes: true }), 'ask'],
  ['granular', 'github/create_issue', undefined, 'allow'],
  ['granular', 'shell/run', inspected('shell', { writes: true }), 'allow'],
  // mode none: nothing added
  ['none', 'github/create_issue', undefined, 'allow'],
  ['none', 'db/query', inspected('database', { writes: true }), 'allow'],
] as Array<[ApprovalMode, string, Inspection | undefined, string]>)('approval %s: %s (case %#)', (mode, name, inspection, expected) => {
  expect(verdictOf(compile(shape(mode)), name, {}, { inspection })).toBe(expected);
});

test.each([
  ['all', 'ask'],
  ['dangerous', 'ask'],
  ['granular', 'ask'],
  ['none', 'allow'],
] as Array<[ApprovalMode, string]>)('approval %s: a dangerous pattern in the arguments gives %s', (mode, expected) => {
  expect(verdictOf(compile(shape(mode)), 'github/get_issue', { body: 'then rm -rf / please' })).toBe(expected);
  expect(verdictOf(compile(shape(mode)), 'github/get_issue', { body: 'git   push --force origin main' })).toBe(expected);
});

test('the reasons name the mode, the required_tools rule and the pattern with their sources', () => {
  const granular = decide(compile(shape('granular')), call('github/merge_pull_request', { note: 'DROP TABLE users' }));
  expect(granular.reasons.slice(1)).toEqual([
    { layer: 'approval', decision: 'ask', rule: 'required_tools: "github/merge_*"', source: 'gateway.yaml:1:3', message: 'A person must approve "github/merge_pull_request": it matches required_tools "github/merge_*"' },
    { layer: 'approval', decision: 'ask', rule: 'dangerous_patterns: "DROP TABLE"', source: 'gateway.yaml:2:3', message: 'A person must approve "github/merge_pull_request": the arguments contain the dangerous pattern "DROP TABLE"' },
  ]);
  const all = decide(compile(shape('all')), call('github/get_issue'));
  expect(all.reasons[1]).toMatchObject({ layer: 'approval', rule: 'approval: all', source: 'gateway.yaml:profile' });
});

test('patterns are only scanned when the mode is not none, so oversized arguments pass under none', () => {
  const big = { blob: 'x'.repeat(2 * 1024 * 1024) };
  expect(verdictOf(compile(shape('none')), 'github/get_issue', big)).toBe('allow');
  expect(verdictOf(compile({ allow: ['**'], approval: 'granular' }), 'github/get_issue', big)).toBe('allow');
  expect(verdictOf(compile(shape('granular')), 'github/get_issue', big)).toBe('deny');
});

test('a pattern the inspection found in the parsed form counts as matched', () => {
  const inspection = inspected('shell', { matchedPatterns: ['rm -rf'], patternTexts: ['/bin/rm --recursive --force x'] });
  const decision = decide(compile(shape('granular')), call('shell/run', { command: '/bin/rm --recursive --force x' }, { inspection }));
  expect(decision.verdict).toBe('ask');
  expect(decision.reasons[1]).toMatchObject({ rule: 'dangerous_patterns: "rm -rf"', source: 'gateway.yaml:1:3' });
  expect(decision.reasons[1]!.message).toContain('parsed shell arguments');
});

test('inspection pattern texts are scanned too', () => {
  const inspection = inspected('database', { patternTexts: ['drop table users'] });
  expect(verdictOf(compile(shape('granular')), 'shell/run', { sql: 'DrOp/**/TaBlE users' }, { inspection })).toBe('ask');
});
