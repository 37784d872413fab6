import { expect, test } from 'vitest';
import { decide } from '../../src/policy/index.js';
import type { ToolAnnotations } from '../../src/policy/types.js';
import { call, compile, inspected } from './fixtures.js';

const compiled = compile({ allow: ['**'] });

test.each([
  ['github/get_issue', undefined, false, 'on the readonly list'],
  ['github/create_issue', undefined, true, 'not on the readonly list'],
  ['github/Get_issue', undefined, true, 'readonly globs are case-sensitive'],
  ['github/create_issue', { readOnlyHint: true }, true, 'untrusted annotations are ignored'],
  ['notes/read_note', { readOnlyHint: true }, false, 'trusted readOnlyHint is believed'],
  ['notes/read_note', { readOnlyHint: true, destructiveHint: true }, true, 'destructiveHint overrides readOnlyHint'],
  ['notes/read_note', { readOnlyHint: false }, true, 'readOnlyHint false'],
  ['notes/read_note', undefined, true, 'no annotations'],
  ['fs/read_file', undefined, false, 'filesystem readonly list'],
] as Array<[string, ToolAnnotations | undefined, boolean, string]>)('%s with %o writes: %s (%s)', (name, annotations, writes) => {
  expect(decide(compiled, call(name, undefined, { annotations })).writes).toBe(writes);
});

test('inspection overrides the name-based classification both ways', () => {
  expect(decide(compiled, call('fs/read_file', {}, { inspection: inspected('filesystem', { writes: true }) })).writes).toBe(true);
  expect(decide(compiled, call('fs/write_file', {}, { inspection: inspected('filesystem', { writes: false }) })).writes).toBe(false);
});
