// Turns zod issues into located config issues with messages a person can act on: the offending value
// in quotes, what was expected, and for a misspelt key the key that was probably meant.
import type { z } from 'zod';
import type { ConfigIssue } from '../errors.js';
import type { KeyPath, SourceMap } from './source-map.js';
import { didYouMean, quoteList } from './suggest.js';

type ZodIssue = z.core.$ZodIssue;

/** One config issue per zod issue (one per key for unknown keys); `prefix` is where `schema` sits in the file. */
export function fromZodIssues(issues: readonly ZodIssue[], schema: z.ZodType, map: SourceMap, prefix: KeyPath = []): ConfigIssue[] {
  const located: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as Array<string | number>)];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = keysAt(schema, issue.path as Array<string | number>) ?? [];
        for (const key of issue.keys) {
          const hint = didYouMean(key, known) || (known.length ? `; allowed keys are ${quoteList(known)}` : '');
          located.push(map.issue([...path, key], `Unknown key "${key}"${hint}`, { key: true }));
        }
        break;
      }
      case 'invalid_key':
        located.push(map.issue(path, issue.issues[0]?.message ?? `Invalid key "${String(issue.input)}"`, { key: true }));
        break;
      case 'invalid_type':
        located.push(
          issue.input === undefined
            ? map.issue(path, `Missing required key "${String(path[path.length - 1])}"`)
            : map.issue(path, `Expected ${typeName(issue.expected)}, got ${describe(issue.input)}`),
        );
        break;
      case 'invalid_value': {
        const values = issue.values.map((value) => String(value));
        const choices = values.map((value) => `"${value}"`).join(', ');
        located.push(map.issue(path, `Invalid value ${describe(issue.input)}; expected one of ${choices}${didYouMean(String(issue.input), values)}`));
        break;
      }
      default:
        located.push(map.issue(path, issue.message));
    }
  }
  return located;
}

function typeName(expected: string): string {
  const names: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping', record: 'a mapping' };
  return names[expected] ?? expected;
}

/** A short description of a YAML value for a message, quoting strings. */
export function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

/** The keys the schema allows at `path`, for "did you mean" on an unknown key. */
function keysAt(schema: z.ZodType, path: KeyPath): string[] | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (!current) return undefined;
    const def = definition(current);
    if (def.type === 'object') current = def.shape?.[String(segment)];
    else if (def.type === 'record') current = def.valueType;
    else if (def.type === 'array') current = def.element;
    else return undefined;
    current = current && unwrap(current);
  }
  const def = current && definition(current);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = definition(current);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return current;
    current = inner;
  }
}

function definition(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}
