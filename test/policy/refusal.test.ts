// A refusal (a sensitive read, a bash network device) denies in every mode, including the ones
// whose own check is off, and names the glob and where it was written.
import { expect, test } from 'vitest';
import { decide } from '../../src/policy/index.js';
import type { Inspection } from '../../src/policy/types.js';
import { call, compile, inspected, type PolicyShape } from './fixtures.js';

const refusal = { rule: 'sensitive path "~/.ssh/**"', source: 'built-in sensitive paths', message: '"cat" reads "/home/u/.ssh/id_rsa", a sensitive path (matches "~/.ssh/**")' };

test.each([
  [{ shell: 'restricted' }, 'shell/run', inspected('shell', { refusal })],
  [{ shell: 'unrestricted' }, 'shell/run', inspected('shell', { refusal })],
  [{ shell: 'unrestricted' }, 'shell/run', inspected('shell', { understood: false, writes: true, refusal })],
  [{ fileWrite: 'full' }, 'fs/read_file', inspected('filesystem', { refusal })],
  [{ fileWrite: 'off' }, 'fs/read_file', inspected('filesystem', { refusal })],
  [{ fileWrite: 'create-only' }, 'fs/read_file', inspected('filesystem', { refusal })],
] as Array<[PolicyShape, string, Inspection]>)('%o %s: denied with the glob as the rule (case %#)', (shape, name, inspection) => {
  const decision = decide(compile({ allow: ['**'], approval: 'none', ...shape }), call(name, {}, { inspection }));
  expect(decision.verdict).toBe('deny');
  expect(decision.reasons.at(-1)).toEqual({ layer: 'inspection', decision: 'deny', ...refusal });
});

test('a refusal from another kind of check is not applied (the facts do not belong to this server)', () => {
  const decision = decide(compile({ allow: ['**'], shell: 'unrestricted' }), call('shell/run', {}, { inspection: inspected('filesystem', { refusal }) }));
  expect(decision.verdict).toBe('allow');
});
