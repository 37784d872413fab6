// The digest and the log cover every own key the upstream receives: `__proto__`, `constructor`,
// `prototype`, keys that differ only in Unicode normalisation, at any depth. Arguments that reach the
// upstream differently never share a digest; arguments that differ only in key order always do.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { canonicalJson, digestArguments, redact } from '../../src/audit/canonical.js';
import { collectTexts } from '../../src/policy/argument-texts.js';

const TRICKY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '\u00e9', 'e\u0301', '\u212b', '\u00c5', '\ufb01', 'fi', 'a', 'b', ''];

const key = fc.oneof(fc.constantFrom(...TRICKY_KEYS), fc.string({ maxLength: 3, unit: 'binary' }));
const leaf = fc.oneof(fc.string({ maxLength: 4, unit: 'binary' }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
/** JSON values whose objects are built as JSON.parse builds them: every key an own property. */
const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => Object.fromEntries(entries)),
}));
const argumentsObject = fc.array(fc.tuple(key, jsonValue), { maxLength: 5 }).map((entries) => Object.fromEntries(entries) as Record<string, unknown>);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the upstream receives the same thing: the same own keys with the same values, order aside. */
function sameOnWire(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameOnWire(item, b[i]));
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keysA = Object.keys(a).sort();
    const keysB = Object.keys(b).sort();
    return keysA.length === keysB.length && keysA.every((k, i) => k === keysB[i] && sameOnWire(a[k], b[k]));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The same value with every object's keys in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reordered(value[k])]));
  return value;
}

/** The old canonical form's definition, built prototype-safely: what tickets already on disk were digested with. */
function reference(value: unknown): string {
  const sort = (v: unknown): unknown => (Array.isArray(v) ? v.map(sort) : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v);
  return JSON.stringify(sort(value)) ?? 'null';
}

test('property: two argument objects have the same digest exactly when the upstream receives the same keys and values', () => {
  fc.assert(fc.property(argumentsObject, argumentsObject, (a, b) => (digestArguments(a) === digestArguments(b)) === sameOnWire(a, b)), { numRuns: 2000 });
});

test('property: the canonical JSON parses back to what was sent, so no two different arguments can share it', () => {
  fc.assert(fc.property(argumentsObject, (args) => sameOnWire(JSON.parse(canonicalJson(args)), args)), { numRuns: 2000 });
});

test('property: key order never changes the digest', () => {
  fc.assert(fc.property(argumentsObject, (args) => digestArguments(reordered(args)) === digestArguments(args)), { numRuns: 1000 });
});

test('property: the canonical form is the sorted-keys JSON it always was, so digests of earlier tickets still match', () => {
  fc.assert(fc.property(argumentsObject, (args) => canonicalJson(args) === reference(args)), { numRuns: 2000 });
});

test('property: adding a prototype-named key anywhere changes the digest', () => {
  const path = fc.array(fc.constantFrom(...TRICKY_KEYS), { minLength: 0, maxLength: 6 });
  fc.assert(
    fc.property(argumentsObject, path, fc.constantFrom('__proto__', 'constructor', 'prototype'), (args, at, added) => {
      const changed = JSON.parse(JSON.stringify(args)) as Record<string, unknown>;
      let target = changed;
      for (const step of at) {
        // Own lookups only: `target[step]` could be Object.prototype's `constructor`.
        const next: unknown = Object.hasOwn(target, step) ? target[step] : undefined;
        if (!isObject(next)) break;
        target = next;
      }
      if (Object.hasOwn(target, added)) return true;
      Object.defineProperty(target, added, { value: { title: 'EVIL' }, enumerable: true, writable: true, configurable: true });
      return digestArguments(changed) !== digestArguments(args);
    }),
    { numRuns: 1000 },
  );
});

test.each([
  ['{"repo":"acme/x","title":"t"}', '{"repo":"acme/x","title":"t","__proto__":{"title":"EVIL"}}'],
  ['{"meta":{}}', '{"meta":{"__proto__":{"admin":true}}}'],
  ['{"list":[{}]}', '{"list":[{"__proto__":null}]}'],
  ['{}', '{"constructor":{"prototype":{"polluted":1}}}'],
  ['{"titl\\u00e9":"x"}', '{"title\\u0301":"x"}'],
  ['{"\\u212b":1}', '{"\\u00c5":1}'],
  ['{"a":"\\ud800"}', '{"a":"\\ufffd"}'],
])('%s and %s reach the upstream differently, so their digests differ', (a, b) => {
  const [left, right] = [JSON.parse(a) as unknown, JSON.parse(b) as unknown];
  expect(canonicalJson(right)).toBe(reference(right));
  expect(digestArguments(left)).not.toBe(digestArguments(right));
});

test('__proto__ keeps its place in the canonical form and in the log, at any depth', () => {
  const args: unknown = JSON.parse('{"b":{"__proto__":{"password":"hunter2","x":1}},"__proto__":[1]}');
  expect(canonicalJson(args)).toBe('{"__proto__":[1],"b":{"__proto__":{"password":"hunter2","x":1}}}');
  const logged = redact(args);
  expect(JSON.stringify(logged)).toBe('{"b":{"__proto__":{"password":"[redacted]","x":1}},"__proto__":[1]}');
  // The copy inherits nothing, so no key of the agent's can be confused with one of Object.prototype.
  expect(Object.getPrototypeOf(logged)).toBe(null);
  expect(Object.getPrototypeOf((logged as { b: object }).b)).toBe(null);
});

test('canonical JSON and the digest take any depth without recursion', () => {
  const depth = 20_000;
  const text = `${'['.repeat(depth)}{"a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}${']'.repeat(depth)}`;
  expect(canonicalJson(JSON.parse(text))).toBe(text);
  expect(digestArguments(JSON.parse(text))).toMatch(/^[0-9a-f]{64}$/);
});

test('a cycle, which JSON cannot hold, throws as JSON.stringify does instead of looping', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = { back: cyclic };
  expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  const shared = { x: 1 };
  expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
});

test('values JSON cannot hold are written as JSON.stringify writes them', () => {
  expect(canonicalJson({ b: undefined, a: [undefined, () => 1, Number.NaN], c: -0 })).toBe(JSON.stringify({ a: [null, null, null], c: 0 }));
  expect(canonicalJson(undefined)).toBe('null');
});

test('the log cuts nesting past 64 levels with a marker, so the record of a refused call can be written', () => {
  const deep: unknown = JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`);
  const logged = JSON.stringify(redact(deep));
  expect(logged).toBe(`${'{"a":'.repeat(64)}"[nested deeper than 64 levels]"${'}'.repeat(64)}`);
  const atLimit: unknown = JSON.parse(`${'['.repeat(64)}1${']'.repeat(64)}`);
  expect(JSON.stringify(redact(atLimit))).toBe(JSON.stringify(atLimit));
});

test('the dangerous-pattern texts include prototype-named keys and what they hold', () => {
  const collected = collectTexts(JSON.parse('{"__proto__":{"constructor":"rm -rf /"},"prototype":["git","push","--force"]}'));
  expect(collected.tooLarge).toBe(false);
  expect(collected.tooLarge === false && collected.texts).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'rm -rf /', 'prototype', 'git push --force']));
});
