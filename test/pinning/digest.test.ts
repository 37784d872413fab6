// What a pin covers and how stable its digest is: key order never matters, uncovered fields never
// count, every covered field does.
import { expect, test } from 'vitest';
import { canonicalDefinition, digestOf, entityName, pinEntity } from '../../src/pinning/index.js';

const tool = {
  name: 'read_file',
  title: 'Read file',
  description: 'Read a file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  annotations: { readOnlyHint: true },
};

test('key order, at any depth, does not change the digest', () => {
  const reordered = {
    annotations: { readOnlyHint: true },
    inputSchema: { required: ['path'], properties: { path: { type: 'string' } }, type: 'object' },
    description: 'Read a file',
    title: 'Read file',
    name: 'read_file',
  };
  expect(pinEntity('tool', reordered).digest).toBe(pinEntity('tool', tool).digest);
  expect(pinEntity('tool', tool).digest).toMatch(/^sha256:[0-9a-f]{64}$/);
});

test('fields a pin does not cover (_meta, icons, execution) do not change the digest', () => {
  const noisy = { ...tool, _meta: { 'x/y': 1 }, icons: [{ src: 'https://e.test/i.png' }], execution: { taskSupport: 'optional' } };
  expect(pinEntity('tool', noisy).digest).toBe(pinEntity('tool', tool).digest);
  expect(canonicalDefinition('tool', noisy)).toEqual(tool);
});

test.each([
  ['name', { ...tool, name: 'read_files' }],
  ['title', { ...tool, title: 'Read a file' }],
  ['description', { ...tool, description: 'Read a file\u200b' }],
  ['inputSchema', { ...tool, inputSchema: { ...tool.inputSchema, required: [] } }],
  ['outputSchema', { ...tool, outputSchema: { type: 'object' } }],
  ['annotations', { ...tool, annotations: { readOnlyHint: false } }],
])('a change of %s changes the digest', (_field, changed) => {
  expect(pinEntity('tool', changed).digest).not.toBe(pinEntity('tool', tool).digest);
});

test('prompts pin name, title, description and arguments; templates are known by their URI template', () => {
  const prompt = { name: 'greet', description: 'Greets', arguments: [{ name: 'name', required: true }], _meta: { a: 1 } };
  expect(pinEntity('prompt', prompt)).toMatchObject({ kind: 'prompt', name: 'greet', definition: { name: 'greet', description: 'Greets', arguments: [{ name: 'name', required: true }] } });
  const template = { name: 'greeting', uriTemplate: 'fixture://greeting/{name}', mimeType: 'text/plain' };
  expect(entityName('resource-template', template)).toBe('fixture://greeting/{name}');
  expect(pinEntity('resource-template', template).definition).toEqual(template);
});

test('instructions are pinned as the string itself', () => {
  const entity = pinEntity('instructions', 'Use the echo tool.');
  expect(entity).toEqual({ kind: 'instructions', name: '', definition: 'Use the echo tool.', digest: digestOf('Use the echo tool.') });
  expect(pinEntity('instructions', 'Use the echo tool. ').digest).not.toBe(entity.digest);
});
