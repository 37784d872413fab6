// The argument check before deciding, as tables: the depth limit, and the inputSchema check with the
// refusal each case must get.
import { expect, test } from 'vitest';
import { checkArguments } from '../../src/gateway/argument-check.js';
import { MAX_ARGUMENT_DEPTH, nestsDeeperThan } from '../../src/gateway/argument-depth.js';

const objects = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown;
const arrays = (depth: number) => JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`) as unknown;

// Values are built inside the test: vitest formats table rows, and a row 100,000 levels deep would overflow that.
test.each([
  ['a scalar', () => 'x', false],
  ['an empty object', () => ({}), false],
  ['64 objects', () => objects(64), false],
  ['65 objects', () => objects(65), true],
  ['64 arrays', () => arrays(64), false],
  ['65 arrays', () => arrays(65), true],
  ['an empty array at level 65', () => ({ a: 1, b: arrays(63), c: [[arrays(62)], arrays(64)] }), true],
  ['objects and arrays mixed, 65 in all', () => ({ a: [{ b: arrays(62) }] }), true],
  ['64 levels beside a wide list', () => ({ wide: Array.from({ length: 10_000 }, () => ({ x: [1] })), deep: objects(63) }), false],
  ['100,000 levels, without overflowing the stack', () => arrays(100_000), true],
])('%s: nests deeper than 64 → %s', (_name, value, expected) => {
  expect(MAX_ARGUMENT_DEPTH).toBe(64);
  expect(nestsDeeperThan(value(), MAX_ARGUMENT_DEPTH)).toBe(expected);
});

test('a cycle, which JSON cannot hold, counts as too deep instead of looping', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  expect(nestsDeeperThan(cyclic, MAX_ARGUMENT_DEPTH)).toBe(true);
});

const ISSUE = {
  type: 'object',
  properties: { repo: { type: 'string' }, title: { type: 'string' }, labels: { type: 'array', items: { type: 'string', enum: ['bug', 'docs'] } }, meta: { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false } },
  required: ['repo', 'title'],
  additionalProperties: false,
};

/** The refusal's message, or undefined when the arguments pass. */
function refusal(schema: unknown, args: Record<string, unknown>): string | undefined {
  const decision = checkArguments('up', { inputSchema: schema as never }, args);
  if (!decision) return undefined;
  expect(decision.verdict).toBe('deny');
  expect(decision.reasons).toHaveLength(1);
  expect(decision.reasons[0]).toMatchObject({ layer: 'input', decision: 'deny', source: expect.any(String) as string });
  return decision.reasons[0]!.message;
}

const MISMATCH = "The arguments do not match the tool's input schema: ";

test.each([
  [{ repo: 'r', title: 't' }, undefined],
  [{ repo: 'r', title: 't', assignee: 'm' }, 'argument "assignee" is not allowed (the schema allows only "repo", "title", "labels", "meta")'],
  [JSON.parse('{"repo":"r","title":"t","__proto__":{"title":"EVIL"}}') as Record<string, unknown>, 'argument "__proto__" is not allowed (the schema allows only "repo", "title", "labels", "meta")'],
  [JSON.parse('{"repo":"r","title":"t","constructor":1}') as Record<string, unknown>, 'argument "constructor" is not allowed (the schema allows only "repo", "title", "labels", "meta")'],
  [{ repo: 'r', title: 't', meta: { a: 1, b: 2 } }, 'argument "meta.b" is not allowed (the schema allows only "a")'],
  [{ repo: 'r' }, 'argument "title" is missing (the schema requires it)'],
  [{ repo: 'r', title: 5 }, 'argument "title" must be string'],
  [{ repo: 'r', title: '5', meta: { a: '5' } }, 'argument "meta.a" must be number'],
  [{ repo: 'r', title: 't', labels: ['bug', 'feature'] }, 'argument "labels[1]" must be one of "bug", "docs"'],
  [{ repo: 'r', title: 't', ['k'.repeat(300)]: 1 }, `argument "${'k'.repeat(100)}…" is not allowed (the schema allows only "repo", "title", "labels", "meta")`],
])('create_issue %j → %s', (args, expected) => {
  expect(refusal(ISSUE, args)).toBe(expected === undefined ? undefined : MISMATCH + expected);
});

test('the refusal names the upstream whose schema it applied', () => {
  expect(checkArguments('github', { inputSchema: ISSUE as never }, { repo: 'r' })?.reasons[0]).toMatchObject({ rule: 'input schema', source: 'upstream "github"' });
});

const TUPLE_07 = { type: 'object', properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false } } };
const TUPLE_2020 = { type: 'object', properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false } } };

test.each([
  ['2020-12 declared', { $schema: 'https://json-schema.org/draft/2020-12/schema', ...TUPLE_2020 }, { pair: ['a', 1, 2] }, 'argument "pair" must NOT have more than 2 items'],
  ['2020-12 declared, fits', { $schema: 'https://json-schema.org/draft/2020-12/schema', ...TUPLE_2020 }, { pair: ['a', 1] }, undefined],
  ['2020-12 by default (MCP)', TUPLE_2020, { pair: ['a', 1, 2] }, 'argument "pair" must NOT have more than 2 items'],
  ['draft-07 declared', { $schema: 'http://json-schema.org/draft-07/schema#', ...TUPLE_07 }, { pair: [1, 'a'] }, 'argument "pair[0]" must be string'],
  ['draft-07 declared, fits', { $schema: 'http://json-schema.org/draft-07/schema#', ...TUPLE_07 }, { pair: ['a', 1] }, undefined],
  ['draft-07 tuple without $schema (older servers)', TUPLE_07, { pair: ['a', 1, 2] }, 'argument "pair" must NOT have more than 2 items'],
  ['2019-09 declared', { $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'object', properties: { a: {} }, unevaluatedProperties: false }, { b: 1 }, 'argument "b" is not allowed (the schema allows no properties it does not name)'],
])('%s', (_name, schema, args, expected) => {
  expect(refusal(schema, args)).toBe(expected === undefined ? undefined : MISMATCH + expected);
});

test.each([
  ['a type that does not exist', { type: 'object', properties: { a: { type: 'nonsense' } } }, /type/],
  ['a $ref to nowhere', { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } }, /missing/],
  ['a remote $ref, never fetched', { type: 'object', properties: { a: { $ref: 'https://example.com/schema.json' } } }, /example\.com/],
  ['a dialect the gateway does not check', { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }, /"http:\/\/json-schema\.org\/draft-04\/schema#" is not a dialect the gateway checks/],
])('every call is refused when the schema has %s (fail closed)', (_name, schema, why) => {
  const message = refusal(schema, {});
  expect(message).toMatch(/^The tool's input schema from upstream "up" cannot be compiled, so its arguments cannot be checked: /);
  expect(message).toMatch(why);
});

test('unknown keywords and formats compile; formats are not checked', () => {
  const schema = { type: 'object', 'x-vendor': { a: 1 }, properties: { mail: { type: 'string', format: 'email', 'x-order': 2, examples: ['a@b'] }, when: { type: 'string', format: 'no-such-format' } } };
  expect(refusal(schema, { mail: 'not an email', when: 'whenever' })).toBeUndefined();
  expect(refusal(schema, { mail: 1 })).toBe(`${MISMATCH}argument "mail" must be string`);
});

test('the check never rewrites the arguments: no defaults, no coercion, nothing removed', () => {
  const schema = { type: 'object', properties: { n: { type: 'number', default: 5 }, nested: { type: 'object', default: {}, properties: { m: { default: 1 } } } }, additionalProperties: { type: 'string' } };
  const args = { keep: 'me', nested: {} };
  expect(refusal(schema, args)).toBeUndefined();
  expect(JSON.stringify(args)).toBe('{"keep":"me","nested":{}}');
  expect(refusal(schema, { n: '5' })).toBe(`${MISMATCH}argument "n" must be number`);
  expect(refusal({ type: 'object', properties: { flag: { type: 'boolean' } } }, { flag: 'true' })).toBe(`${MISMATCH}argument "flag" must be boolean`);
});

test('required names must be own keys: Object.prototype does not supply "toString" or "constructor"', () => {
  const schema = { type: 'object', required: ['toString', 'constructor', '__proto__'] };
  expect(refusal(schema, {})).toBe(`${MISMATCH}argument "toString" is missing (the schema requires it)`);
  expect(refusal(schema, JSON.parse('{"toString":1,"constructor":2}') as Record<string, unknown>)).toBe(`${MISMATCH}argument "__proto__" is missing (the schema requires it)`);
  expect(refusal(schema, JSON.parse('{"toString":1,"constructor":2,"__proto__":3}') as Record<string, unknown>)).toBeUndefined();
});

test('properties named like Object.prototype members are looked up as own keys', () => {
  const schema = { type: 'object', properties: { toString: { type: 'string' }, constructor: { type: 'number' } } };
  expect(refusal(schema, {})).toBeUndefined();
  expect(refusal(schema, JSON.parse('{"constructor":"x"}') as Record<string, unknown>)).toBe(`${MISMATCH}argument "constructor" must be number`);
});

test('schemas of different tools may share an $id: each is compiled on its own, none is kept by the compiler', () => {
  const a = { $id: 'https://example.com/args', type: 'object', properties: { x: { type: 'string' } } };
  const b = { $id: 'https://example.com/args', type: 'object', properties: { x: { type: 'number' } } };
  expect(refusal(a, { x: 'one' })).toBeUndefined();
  expect(refusal(b, { x: 'one' })).toBe(`${MISMATCH}argument "x" must be number`);
  expect(refusal({ ...a }, { x: 1 })).toBe(`${MISMATCH}argument "x" must be string`);
});

test('depth is checked before the schema, so validation never walks arguments past the limit', () => {
  const recursive = { $defs: { node: { type: 'object', properties: { a: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'number' }] } } } }, $ref: '#/$defs/node' };
  expect(refusal(recursive, objects(64) as Record<string, unknown>)).toBeUndefined();
  expect(refusal(recursive, objects(5000) as Record<string, unknown>)).toMatch(/^The arguments are nested more than 64 levels deep/);
});

test('a tool without a schema object takes any object, as the upstream client reads tool lists', () => {
  expect(refusal(undefined, { anything: 1 })).toBeUndefined();
});

test.each([
  ['an anchored pattern with one run is linear, and runs on any length', { type: 'object', properties: { slug: { type: 'string', pattern: '^[a-z0-9-]+$' } } }, { slug: 'a'.repeat(100_000) }, undefined],
  ['a linear pattern still refuses', { type: 'object', properties: { slug: { type: 'string', pattern: '^[a-z0-9-]+$' } } }, { slug: 'A' }, 'argument "slug" must match pattern "^[a-z0-9-]+$"'],
  [
    'a catastrophic pattern is never run on the agent\'s string',
    { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } },
    { name: `${'a'.repeat(40)}!` },
    'argument "name" must match pattern "^(a+)+$": the gateway cannot match the schema\'s pattern "^(a+)+$" safely (it repeats a group that holds a quantifier or an alternation), so it refuses every value for it',
  ],
  [
    'a catastrophic patternProperties key pattern too',
    { type: 'object', patternProperties: { '^(x|x)*$': { type: 'string' } } },
    { [`${'x'.repeat(40)}!`]: 'v' },
    'the gateway cannot match the schema\'s pattern "^(x|x)*$" safely (it repeats a group that holds a quantifier or an alternation), so it refuses every value for it',
  ],
  [
    'a pattern it will not run is no way around the schema under "not" either',
    { type: 'object', properties: { name: { type: 'string', not: { pattern: '^(a|a)*$' } } } },
    { name: 'aaaa' },
    'the gateway cannot match the schema\'s pattern "^(a|a)*$" safely (it repeats a group that holds a quantifier or an alternation), so it refuses every value for it',
  ],
  [
    'a polynomial pattern refuses a value too long to match in bounded time',
    { type: 'object', properties: { text: { type: 'string', pattern: '^.*a.*b.*c$' } } },
    { text: 'a'.repeat(10_000) },
    'argument "text" must match pattern "^.*a.*b.*c$": the value is too long to match the schema\'s pattern "^.*a.*b.*c$" safely',
  ],
  ['a polynomial pattern matches short values', { type: 'object', properties: { text: { type: 'string', pattern: '^.*a.*b.*c$' } } }, { text: 'xaybzc' }, undefined],
  [
    'the budget is per call: many values within it one by one add up past it',
    { type: 'object', additionalProperties: { type: 'string', pattern: '[a-z]+[0-9]' } },
    Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, `${'a'.repeat(2_000)}1`])),
    'argument "k2" must match pattern "[a-z]+[0-9]": the value is too long to match the schema\'s pattern "[a-z]+[0-9]" safely',
  ],
])('schema regexes are bounded: %s', (_name, schema, args, expected) => {
  const started = performance.now();
  expect(refusal(schema, args)).toBe(expected === undefined ? undefined : MISMATCH + expected);
  // Generous: a catastrophic match on 41 characters takes minutes, a bounded one microseconds.
  expect(performance.now() - started).toBeLessThan(5_000);
});

test('a pattern that is not a valid regex makes the schema fail to compile: every call is refused', () => {
  expect(refusal({ type: 'object', properties: { a: { type: 'string', pattern: '(' } } }, {})).toMatch(/^The tool's input schema from upstream "up" cannot be compiled/);
});
