// One decide() for calls and the tools/list question: a tools/call without `arguments` is a call
// (inspected like one with `{}`), never the list question, which skips inspection and dangerous patterns.
import { expect, test } from 'vitest';
import { compilePolicy, decide, visibility } from '../../src/policy/index.js';
import type { Verdict } from '../../src/policy/types.js';
import type { ServerConfig } from '../../src/config/types.js';
import { createInspector } from '../../src/inspect/index.js';
import { createCallDecider } from '../../src/gateway/decide-call.js';
import { BUILT_IN, compile, makePolicy, type PolicyShape } from './fixtures.js';

const RESTRICTED: PolicyShape = { allow: ['**'], shell: 'restricted', fileWrite: 'off', database: 'readonly' };
const CREATE_ONLY: PolicyShape = { allow: ['**'], fileWrite: 'create-only', dangerousPatterns: ['rm -rf'], approval: 'granular' };

// [tool, profile, the call's verdict (with or without `arguments: {}`), the list's verdict, the profile]
const CASES: Array<[string, string, Verdict, Verdict, PolicyShape]> = [
  ['shell/run', 'restricted', 'deny', 'allow', RESTRICTED],
  ['fs/write_file', 'restricted', 'deny', 'allow', RESTRICTED],
  ['fs/read_file', 'restricted', 'allow', 'allow', RESTRICTED],
  ['db/query', 'restricted', 'deny', 'allow', RESTRICTED],
  ['shell/run', 'readonly', 'deny', 'ask', BUILT_IN.readonly],
  ['fs/write_file', 'readonly', 'deny', 'allow', BUILT_IN.readonly],
  ['db/query', 'readonly', 'deny', 'ask', BUILT_IN.readonly],
  ['db/query', 'developer', 'deny', 'ask', BUILT_IN.developer],
  ['fs/write_file', 'create-only', 'deny', 'allow', CREATE_ONLY],
  ['shell/run', 'eval', 'allow', 'allow', BUILT_IN.eval],
];

test.each(CASES)('a call to %s without arguments under %s is decided as the call with {} (%s), not as the list (%s)', (name, _profile, call, list, shape) => {
  const compiled = compile(shape);
  const [server, tool] = name.split('/') as [string, string];
  const without = decide(compiled, { server, tool });
  expect(without).toEqual(decide(compiled, { server, tool, arguments: {} }));
  expect(without.verdict).toBe(call);
  expect(visibility(compiled, server, tool).verdict).toBe(list);
});

function serverConfig(id: string, kind: ServerConfig['kind']): ServerConfig {
  return {
    id, kind, readonly: [], trusted: false, timeoutMs: 1000, startup: 'lazy', inspect: {}, dialect: 'postgres',
    roots: [], source: 'test', transport: 'stdio', command: 'node', args: [], env: {}, cwd: '/',
  } as unknown as ServerConfig;
}

test.each([
  ['shell', 'run', 'shell'],
  ['fs', 'write_file', 'filesystem'],
  ['db', 'query', 'database'],
] as Array<[string, string, ServerConfig['kind']]>)('through the gateway step with the real inspector, %s/%s without arguments gets what {} gets', async (serverId, tool, kind) => {
  const effective = makePolicy(RESTRICTED);
  const decideCall = createCallDecider(effective, compilePolicy(effective), createInspector());
  const server = serverConfig(serverId, kind);
  const without = await decideCall({ server, serverId, tool, arguments: undefined });
  expect(without).toEqual(await decideCall({ server, serverId, tool, arguments: {} }));
  expect(without.verdict).toBe('deny');
});

test('a list question that carries arguments is decided as the call it looks like', () => {
  const compiled = compile({ ...RESTRICTED, dangerousPatterns: ['rm -rf'], approval: 'granular' });
  const smuggled = { kind: 'list', server: 'github', tool: 'get_issue', arguments: { q: 'rm -rf /' } } as never;
  expect(decide(compiled, smuggled)).toEqual(decide(compiled, { server: 'github', tool: 'get_issue', arguments: { q: 'rm -rf /' } }));
  expect(decide(compiled, smuggled).verdict).toBe('ask');
  const inspected = { kind: 'list', server: 'shell', tool: 'run', inspection: { check: 'shell', understood: false, writes: true, patternTexts: [] } } as never;
  expect(decide(compiled, inspected).verdict).toBe('deny');
});

test('visibility is decide asked the list question', () => {
  const compiled = compile(BUILT_IN.readonly);
  for (const [server, tool] of [['github', 'create_issue'], ['github', 'get_issue'], ['shell', 'run'], ['gitlab', 'x']] as const) {
    expect(visibility(compiled, server, tool)).toEqual(decide(compiled, { kind: 'list', server, tool }));
  }
});

test('a list question about a shell tool adds no inspection reason; a call without arguments does', () => {
  const compiled = compile(RESTRICTED);
  expect(decide(compiled, { kind: 'list', server: 'shell', tool: 'run' }).reasons.map((reason) => reason.layer)).toEqual(['name']);
  expect(decide(compiled, { server: 'shell', tool: 'run' }).reasons.at(-1)).toMatchObject({ layer: 'inspection', rule: 'shell: restricted', message: 'shell restricted: arguments were not inspected' });
});
