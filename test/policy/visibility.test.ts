import { expect, test } from 'vitest';
import { visibility } from '../../src/policy/index.js';
import type { ToolAnnotations } from '../../src/policy/types.js';
import { BUILT_IN, compile, type PolicyShape } from './fixtures.js';

test.each([
  // name rules hide what no call could ever use
  ['github', 'delete_repo', 'deny', { allow: ['github/*'], deny: ['*/delete*'] }, undefined],
  ['github', 'Delete_Repo', 'deny', { allow: ['github/*'], deny: ['*/delete*'] }, undefined],
  ['fs', 'read_file', 'deny', { allow: ['github/*'] }, undefined],
  ['github', 'create_issue', 'ask', { allow: ['github/*'], ask: ['github/create_*'] }, undefined],
  // invalid names and unknown servers are hidden
  ['github', 'd\u0435lete_repo', 'deny', { allow: ['**'] }, undefined],
  ['gitlab', 'get_issue', 'deny', { allow: ['**'] }, undefined],
  // safety safe hides a generic tool that writes…
  ['github', 'create_issue', 'deny', { allow: ['**'], safety: 'safe' }, undefined],
  ['github', 'create_issue', 'deny', { allow: ['**'], environmentSafety: 'safe' }, undefined],
  ['github', 'get_issue', 'allow', { allow: ['**'], safety: 'safe' }, undefined],
  ['notes', 'read_note', 'allow', { allow: ['**'], safety: 'safe' }, { readOnlyHint: true }],
  ['notes', 'write_note', 'deny', { allow: ['**'], safety: 'safe' }, { readOnlyHint: true, destructiveHint: true }],
  ['github', 'create_issue', 'ask', { allow: ['**'], safety: 'standard' }, undefined],
  // …but shell, filesystem and database tools stay visible: inspection may prove a call read-only
  ['shell', 'run', 'allow', { allow: ['**'], safety: 'safe', shell: 'restricted' }, undefined],
  ['shell', 'run', 'ask', { allow: ['**'], safety: 'safe', shell: 'restricted', approval: 'dangerous' }, undefined],
  ['fs', 'write_file', 'allow', { allow: ['**'], safety: 'safe', fileWrite: 'off' }, undefined],
  ['db', 'query', 'allow', { allow: ['**'], safety: 'safe', database: 'readonly' }, undefined],
  ['fs', 'write_file', 'allow', { allow: ['**'], approval: 'dangerous' }, undefined],
  // approval modes that need no arguments are reported
  ['github', 'get_issue', 'ask', { allow: ['**'], approval: 'all' }, undefined],
  ['github', 'merge_pr', 'ask', { allow: ['**'], approval: 'granular', requiredTools: ['github/merge_*'] }, undefined],
  // bash_only and ceilings
  ['github', 'get_issue', 'deny', BUILT_IN['developer-bash-only'], undefined],
  ['shell', 'run', 'allow', BUILT_IN['developer-bash-only'], undefined],
  ['github', 'delete_repo', 'deny', { ...BUILT_IN.eval, ceilings: [['*/delete*', 'deny']] }, undefined],
  ['shell', 'run', 'ask', { ...BUILT_IN.eval, ceilings: [['shell/*', 'ask']] }, undefined],
  ['github', 'create_issue', 'deny', BUILT_IN.readonly, undefined],
  ['github', 'list_issues', 'allow', BUILT_IN.readonly, undefined],
] as Array<[string, string, string, PolicyShape, ToolAnnotations | undefined]>)('%s/%s is %s (case %#)', (server, tool, expected, shape, annotations) => {
  expect(visibility(compile(shape), server, tool, annotations).verdict).toBe(expected);
});

test('a hidden tool carries the reason it is hidden', () => {
  const decision = visibility(compile({ allow: ['**'], safety: 'safe' }), 'github', 'create_issue');
  expect(decision.reasons.at(-1)).toMatchObject({ layer: 'safety', decision: 'deny', rule: 'safety: safe' });
  expect(decision.writes).toBe(true);
});
