// Arguments are checked against the tool's inputSchema before the call is decided: a call the schema
// refuses never reaches the upstream, and the refusal names the field and what the schema expected.
// The gateway never rewrites what it forwards (no defaults, no coercion), follows the schema's $schema
// dialect, and refuses every call to a tool whose schema cannot be compiled.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectStdio, eventually, readAudit, textOf, writeConfig, type StdioConnection } from './harness.js';

const CONFIG = `
servers:
  raw:
    command: node
    args: ["{{fixtures}}/raw-args-server.mjs", "--tools", "{{dir}}/tools.json", "--log", "{{dir}}/received.jsonl"]
agents:
  dev:
    allow: ["raw/*"]
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
# This file is about schema checks: a schema that changes mid-session is audited by pinning, not asked
# about (pinning's own responses are tested in pinning-runtime.test.ts).
pinning: { mode: warn }
`;

const ISSUE = {
  type: 'object',
  properties: { repo: { type: 'string' }, title: { type: 'string' }, labels: { type: 'array', items: { type: 'string' } } },
  required: ['repo', 'title'],
  additionalProperties: false,
};

const TOOLS = [
  { name: 'create_issue', inputSchema: ISSUE },
  {
    name: 'plot',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false } },
      unevaluatedProperties: false,
    },
  },
  {
    name: 'pair',
    inputSchema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false } } },
  },
  { name: 'broken', inputSchema: { type: 'object', properties: { a: { type: 'nonsense' } } } },
  {
    name: 'vendor',
    inputSchema: { type: 'object', 'x-ui': { order: ['q'] }, properties: { q: { type: 'string', 'x-order': 1, format: 'no-such-format', examples: ['a'] } }, additionalProperties: false },
  },
  { name: 'defaults', inputSchema: { type: 'object', properties: { n: { type: 'number', default: 5 }, extra: { type: 'object', default: {} } }, removeAdditional: true } },
  { name: 'own_keys', inputSchema: { type: 'object', required: ['toString', 'constructor'] } },
  { name: 'backtrack', inputSchema: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } } },
];

let config: { dir: string; file: string };
let agent: StdioConnection;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  writeFileSync(join(config.dir, 'tools.json'), JSON.stringify(TOOLS));
  agent = await connectStdio(config, 'dev');
});
afterAll(async () => {
  await agent?.close();
});

function received(): string[] {
  const file = join(config.dir, 'received.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { arguments: string }).arguments) : [];
}

/** Calls `tool` with `args`; returns the result text and what the upstream received for it, if anything. */
async function call(tool: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string; forwarded: string | undefined }> {
  const before = received().length;
  const result = await agent.client.callTool({ name: `raw_${tool}`, arguments: args });
  const after = received();
  return { isError: Boolean(result.isError), text: textOf(result), forwarded: after.length > before ? after.at(-1) : undefined };
}

function refusal(tool: string, why: string): string {
  return `mcp-warden denied the call to "raw/${tool}".\n- The arguments do not match the tool's input schema: ${why} [input: input schema at upstream "raw"]`;
}

test.each([
  [{ repo: 'acme/x', title: 't', assignee: 'mallory' }, 'argument "assignee" is not allowed (the schema allows only "repo", "title", "labels")'],
  [{ repo: 'acme/x' }, 'argument "title" is missing (the schema requires it)'],
  [{ repo: 'acme/x', title: 7 }, 'argument "title" must be string'],
  [{ repo: 'acme/x', title: 't', labels: ['a', 3] }, 'argument "labels[1]" must be string'],
])('create_issue %j is refused before deciding, naming the field, and never forwarded', async (args, why) => {
  expect(await call('create_issue', args)).toEqual({ isError: true, text: refusal('create_issue', why), forwarded: undefined });
});

test('a refused call is audited like any denial', async () => {
  await call('create_issue', { repo: 'acme/x', title: 't', extra: 1 });
  await eventually(() => readAudit(config.dir).some((record) => record.args?.extra === 1));
  const record = readAudit(config.dir).find((r) => r.args?.extra === 1)!;
  expect(record).toMatchObject({ event: 'call', tool: 'raw/create_issue', decision: 'deny', outcome: 'denied' });
  expect(record.reasons).toEqual([
    { layer: 'input', decision: 'deny', rule: 'input schema', source: 'upstream "raw"', message: 'The arguments do not match the tool\'s input schema: argument "extra" is not allowed (the schema allows only "repo", "title", "labels")' },
  ]);
});

test('arguments that fit are forwarded exactly as sent', async () => {
  const args = { repo: 'acme/x', title: 't', labels: ['bug'] };
  expect(await call('create_issue', args)).toEqual({ isError: false, text: JSON.stringify(args), forwarded: JSON.stringify(args) });
});

test('a 2020-12 schema is checked as 2020-12: prefixItems and unevaluatedProperties apply', async () => {
  expect(await call('plot', { point: [1, 2] })).toMatchObject({ isError: false, forwarded: '{"point":[1,2]}' });
  expect(await call('plot', { point: [1, 2, 3] })).toEqual({ isError: true, text: refusal('plot', 'argument "point" must NOT have more than 2 items'), forwarded: undefined });
  expect(await call('plot', { point: [1, 2], z: 0 })).toEqual({ isError: true, text: refusal('plot', 'argument "z" is not allowed (the schema allows no properties it does not name)'), forwarded: undefined });
});

test('a draft-07 schema is checked as draft-07: items as a list is a tuple', async () => {
  expect(await call('pair', { pair: ['a', 1] })).toMatchObject({ isError: false, forwarded: '{"pair":["a",1]}' });
  expect(await call('pair', { pair: [1, 'a'] })).toEqual({ isError: true, text: refusal('pair', 'argument "pair[0]" must be string'), forwarded: undefined });
});

test('every call to a tool whose schema cannot be compiled is refused (fail closed), not forwarded unchecked', async () => {
  const result = await call('broken', { a: 1 });
  expect(result.isError).toBe(true);
  expect(result.forwarded).toBeUndefined();
  expect(result.text).toMatch(/^mcp-warden denied the call to "raw\/broken"\.\n- The tool's input schema from upstream "raw" cannot be compiled, so its arguments cannot be checked: .*type.* \[input: input schema at upstream "raw"\]$/);
});

test('unknown keywords and formats in real-world schemas do not stop the check', async () => {
  expect(await call('vendor', { q: 'x' })).toMatchObject({ isError: false, forwarded: '{"q":"x"}' });
  expect((await call('vendor', { q: 'x', r: 1 })).text).toBe(refusal('vendor', 'argument "r" is not allowed (the schema allows only "q")'));
});

test('the gateway never rewrites arguments: no defaults filled in, no types coerced', async () => {
  expect(await call('defaults', {})).toMatchObject({ isError: false, forwarded: '{}' });
  expect(await call('defaults', { other: 1 })).toMatchObject({ isError: false, forwarded: '{"other":1}' });
  expect((await call('defaults', { n: '5' })).text).toBe(refusal('defaults', 'argument "n" must be number'));
});

test('required properties must be the arguments\' own: names on Object.prototype do not count', async () => {
  expect((await call('own_keys', {})).text).toBe(refusal('own_keys', 'argument "toString" is missing (the schema requires it)'));
  const own = JSON.parse('{"toString":"a","constructor":"b"}') as Record<string, unknown>;
  expect(await call('own_keys', own)).toMatchObject({ isError: false, forwarded: '{"toString":"a","constructor":"b"}' });
});

test("the upstream's regexes never run unbounded on the agent's strings: a catastrophic pattern refuses, the gateway stays responsive", async () => {
  expect(await call('backtrack', { name: `${'a'.repeat(64)}!` })).toEqual({
    isError: true,
    text: refusal(
      'backtrack',
      'argument "name" must match pattern "^(a+)+$": the gateway cannot match the schema\'s pattern "^(a+)+$" safely (it repeats a group that holds a quantifier or an alternation), so it refuses every value for it',
    ),
    forwarded: undefined,
  });
  expect(await call('create_issue', { repo: 'acme/x', title: 'after' })).toMatchObject({ isError: false });
});

test('a changed tool list is checked with the new schema', async () => {
  expect(await call('create_issue', { repo: 'acme/x', title: 't', milestone: 'v2' })).toMatchObject({ isError: true, forwarded: undefined });
  const relaxed = TOOLS.map((tool) => (tool.name === 'create_issue' ? { ...tool, inputSchema: { ...ISSUE, properties: { ...ISSUE.properties, milestone: { type: 'string' } } } } : tool));
  writeFileSync(join(config.dir, 'tools.json'), JSON.stringify(relaxed));
  let changed = false;
  agent.client.setNotificationHandler((await import('@modelcontextprotocol/sdk/types.js')).ToolListChangedNotificationSchema, () => {
    changed = true;
  });
  await agent.client.callTool({ name: 'raw_reload', arguments: {} });
  await eventually(() => changed);
  expect(await call('create_issue', { repo: 'acme/x', title: 't', milestone: 'v2' })).toMatchObject({ isError: false, forwarded: '{"repo":"acme/x","title":"t","milestone":"v2"}' });
});
