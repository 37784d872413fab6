import { expect, test } from 'vitest';
import type { Inspection } from '../../src/policy/types.js';
import { decide } from '../../src/policy/index.js';
import { call, compile, inspected, type PolicyShape } from './fixtures.js';

const notUnderstood = (check: Inspection['check']) => inspected(check, { understood: false, writes: true });

test.each([
  // shell restricted refuses what the allowlist check refused, what it could not parse, and what it never saw
  [{ shell: 'restricted' }, 'shell/run', inspected('shell'), 'allow', undefined],
  [{ shell: 'restricted' }, 'shell/run', inspected('shell', { violation: '"rm" is not on the read-only allowlist', writes: true }), 'deny', 'shell restricted: "rm" is not on the read-only allowlist'],
  [{ shell: 'restricted' }, 'shell/run', notUnderstood('shell'), 'deny', 'shell restricted: arguments could not be understood'],
  [{ shell: 'restricted' }, 'shell/run', undefined, 'deny', 'shell restricted: arguments were not inspected'],
  [{ shell: 'restricted' }, 'shell/run', inspected('database'), 'deny', 'shell restricted: arguments were not inspected'],
  [{ shell: 'unrestricted' }, 'shell/run', undefined, 'allow', undefined],
  [{ shell: 'unrestricted' }, 'shell/run', notUnderstood('shell'), 'allow', undefined],
  // file_write off refuses whatever writes; create-only refuses what the check refused
  [{ fileWrite: 'off' }, 'fs/write_file', inspected('filesystem', { writes: true }), 'deny', 'file_write off: "fs/write_file" writes'],
  [{ fileWrite: 'off' }, 'fs/write_file', undefined, 'deny', 'file_write off: "fs/write_file" writes'],
  [{ fileWrite: 'off' }, 'fs/read_file', undefined, 'allow', undefined],
  [{ fileWrite: 'off' }, 'fs/read_file', inspected('filesystem'), 'allow', undefined],
  [{ fileWrite: 'create-only' }, 'fs/write_file', inspected('filesystem', { writes: true }), 'allow', undefined],
  [{ fileWrite: 'create-only' }, 'fs/write_file', inspected('filesystem', { writes: true, violation: '"notes.txt" already exists' }), 'deny', 'file_write create-only: "notes.txt" already exists'],
  [{ fileWrite: 'create-only' }, 'fs/write_file', undefined, 'deny', 'file_write create-only: arguments were not inspected'],
  [{ fileWrite: 'create-only' }, 'fs/write_file', notUnderstood('filesystem'), 'deny', 'file_write create-only: arguments could not be understood'],
  [{ fileWrite: 'full' }, 'fs/write_file', undefined, 'allow', undefined],
  // database readonly refuses anything that is not a plain read
  [{ database: 'readonly' }, 'db/query', inspected('database'), 'allow', undefined],
  [{ database: 'readonly' }, 'db/query', inspected('database', { writes: true, violation: '"DELETE" is not a plain read' }), 'deny', 'database readonly: "DELETE" is not a plain read'],
  [{ database: 'readonly' }, 'db/query', notUnderstood('database'), 'deny', 'database readonly: arguments could not be understood'],
  [{ database: 'readonly' }, 'db/query', undefined, 'deny', 'database readonly: arguments were not inspected'],
  [{ database: 'mutations' }, 'db/query', inspected('database', { writes: true }), 'allow', undefined],
  // generic servers are never inspected
  [{ shell: 'restricted', fileWrite: 'off', database: 'readonly' }, 'github/create_issue', undefined, 'allow', undefined],
] as Array<[PolicyShape, string, Inspection | undefined, string, string | undefined]>)('%o %s (case %#)', (shape, name, inspection, expected, message) => {
  const decision = decide(compile({ allow: ['**'], ...shape }), call(name, {}, { inspection }));
  expect(decision.verdict).toBe(expected);
  const reason = decision.reasons.find((r) => r.layer === 'inspection');
  expect(reason?.message).toBe(message);
  if (reason) expect(reason.source).toBe('gateway.yaml:profile');
});

test('an inspection deny cannot be loosened by later layers and names the mode as the rule', () => {
  const decision = decide(compile({ allow: ['**'], shell: 'restricted', approval: 'all' }), call('shell/run', {}, { inspection: notUnderstood('shell') }));
  expect(decision.verdict).toBe('deny');
  expect(decision.reasons.map((r) => [r.layer, r.rule])).toEqual([
    ['name', 'allow: "**"'],
    ['inspection', 'shell: restricted'],
  ]);
});
