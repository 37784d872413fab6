import { expect, test } from 'vitest';
import { BUILT_IN, compile, inspected, verdictOf } from './fixtures.js';

const readonly = compile(BUILT_IN.readonly);
const developer = compile(BUILT_IN.developer);
const evaluation = compile(BUILT_IN.eval);
const bashOnly = compile(BUILT_IN['developer-bash-only']);

const ls = inspected('shell', { writes: false });
const rm = inspected('shell', { writes: true, violation: '"rm" is not on the read-only allowlist' });
const read = inspected('filesystem', { writes: false });
const create = inspected('filesystem', { writes: true });
const select = inspected('database', { writes: false });
const update = inspected('database', { writes: true, violation: '"UPDATE" is not a plain read' });

test.each([
  // readonly: every name allowed, the modes restrict; safety safe denies writes; dangerous asks shell/db
  ['readonly', 'github/get_issue', undefined, 'allow'],
  ['readonly', 'github/create_issue', undefined, 'deny'],
  ['readonly', 'shell/run', ls, 'ask'],
  ['readonly', 'shell/run', rm, 'deny'],
  ['readonly', 'shell/run', undefined, 'deny'],
  ['readonly', 'fs/read_file', read, 'allow'],
  ['readonly', 'fs/write_file', create, 'deny'],
  ['readonly', 'db/query', select, 'ask'],
  ['readonly', 'db/query', update, 'deny'],
  // developer: shell and files free, database readonly, granular approval on database tools
  ['developer', 'github/create_issue', undefined, 'allow'],
  ['developer', 'shell/run', rm, 'allow'],
  ['developer', 'fs/write_file', create, 'allow'],
  ['developer', 'db/query', select, 'ask'],
  ['developer', 'db/query', update, 'deny'],
  // eval: everything allowed, no approval
  ['eval', 'github/delete_repo', undefined, 'allow'],
  ['eval', 'shell/run', rm, 'allow'],
  ['eval', 'db/query', update, 'allow'],
  // developer-bash-only: only shell tools
  ['developer-bash-only', 'shell/run', rm, 'allow'],
  ['developer-bash-only', 'github/get_issue', undefined, 'deny'],
  ['developer-bash-only', 'fs/read_file', read, 'deny'],
  ['developer-bash-only', 'db/query', select, 'deny'],
] as const)('built-in %s: %s (case %#)', (profile, name, inspection, expected) => {
  const compiled = { readonly, developer, eval: evaluation, 'developer-bash-only': bashOnly }[profile];
  expect(verdictOf(compiled, name, undefined, inspection ? { inspection } : {})).toBe(expected);
});
