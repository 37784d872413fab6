// The sentence an agent gets when its arguments do not fit a tool's inputSchema: which argument, and
// what the schema expected, in words a model can act on.
import type { ErrorObject } from 'ajv';

/** Longest argument name quoted back; an agent's key can be a megabyte long. */
const MAX_NAME = 100;

/** One ajv error as `argument "labels[1]" must be string`. */
export function describeSchemaError(error: ErrorObject | undefined): string {
  if (!error) return 'the schema refused them';
  const at = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `argument ${quote(join(at, String(params.additionalProperty)))} is not allowed (${allowedBy(error.parentSchema)})`;
    case 'unevaluatedProperties':
      return `argument ${quote(join(at, String(params.unevaluatedProperty)))} is not allowed (the schema allows no properties it does not name)`;
    case 'required':
      return `argument ${quote(join(at, String(params.missingProperty)))} is missing (the schema requires it)`;
    case 'enum':
      return `${subject(at)} must be one of ${(params.allowedValues as unknown[]).map((value) => cut(JSON.stringify(value))).join(', ')}`;
    default:
      return `${subject(at)} ${error.message ?? `does not satisfy "${error.keyword}"`}`;
  }
}

function allowedBy(parent: unknown): string {
  const schema = (parent ?? {}) as Record<string, unknown>;
  const names = schema.properties && typeof schema.properties === 'object' ? Object.keys(schema.properties) : [];
  if (names.length === 0 || schema.patternProperties !== undefined) return 'the schema allows no properties it does not name';
  return `the schema allows only ${names.map(quote).join(', ')}`;
}

/** JSON pointer segments as `a.b[0]`. */
function pathOf(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : join(path, segment)), '');
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function subject(path: string): string {
  return path === '' ? 'the arguments' : `argument ${quote(path)}`;
}

function quote(name: string): string {
  return `"${cut(name)}"`;
}

function cut(text: string): string {
  return text.length > MAX_NAME ? `${text.slice(0, MAX_NAME)}…` : text;
}
