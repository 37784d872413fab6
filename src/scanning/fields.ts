// Every string of an entity that reaches the model, with where it sits and how it is read. Clients
// hand the model the whole tool definition, schema and all, so every string in a schema is read,
// not only `description`: prose (descriptions, titles, instructions) gets every rule, parameter names
// the ones that make sense for a name, and identifiers (tool names, URI templates, `type`) only the
// hidden-character check.
import type { ScanEntity } from './types.js';

/** How a string is read: which rules apply to it. */
export type FieldRole = 'prose' | 'value' | 'parameter' | 'identifier';

export interface ScanField {
  /** Where in the definition, e.g. `inputSchema.properties.path.description`. */
  field: string;
  text: string;
  role: FieldRole;
  /** For prose: the length past which the text is far longer than such text usually is. */
  limit?: number;
}

/**
 * Length limits, from the reference servers' maxima with a wide margin. Measured (server-everything,
 * server-filesystem): tool description 457 (read_text_file), schema description 161, instructions
 * 1,575; the longest well-known tool description, sequential-thinking's, is about 2,900.
 */
export const LIMITS = {
  description: 4_000,
  schemaDescription: 1_000,
  argumentDescription: 1_000,
  title: 200,
  instructions: 10_000,
} as const;

/** Past these a schema is not read in full, which is itself a finding (a scan that stops early must not pass). */
export const WALK_LIMITS = { depth: 64, strings: 20_000 } as const;

/** Schema keys whose string values are prose shown to the model. */
const PROSE_KEYS: Record<string, number> = { description: LIMITS.schemaDescription, title: LIMITS.title };
/** Schema keys whose values are machine syntax, not prose. */
const IDENTIFIER_KEYS = new Set(['type', 'required', 'format', '$schema', '$ref', '$id', '$anchor', '$dynamicRef', 'pattern', 'contentEncoding', 'contentMediaType']);
/** Schema keys whose object values map names (of parameters or definitions) to schemas. */
const NAMED_SCHEMAS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

export interface FieldWalk {
  fields: ScanField[];
  /** Set when the walk stopped at WALK_LIMITS: the reason. */
  truncated?: string;
  /** Where it stopped: the schema it was walking. */
  truncatedAt?: string;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `base.key`, or `base["odd key"]` for keys that are not plain names. */
export function fieldPath(base: string, key: string): string {
  const plain = /^[A-Za-z_$][\w$-]*$/.test(key);
  if (!base) return plain ? key : JSON.stringify(key);
  return plain ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** Every string of `entity` the model may read. */
export function entityFields(entity: ScanEntity): FieldWalk {
  const walk: FieldWalk = { fields: [] };
  const add = (field: string, text: unknown, role: FieldRole, limit?: number) => {
    if (typeof text !== 'string') return;
    walk.fields.push(limit === undefined ? { field, text, role } : { field, text, role, limit });
  };
  const definition = entity.definition;
  if (entity.kind === 'instructions') {
    add('instructions', definition, 'prose', LIMITS.instructions);
    return walk;
  }
  // The entity's own name is what the scan was told; a definition without one still has its name read.
  add('name', isObject(definition) && typeof definition.name === 'string' ? definition.name : entity.name, 'identifier');
  if (!isObject(definition)) return walk;
  add('title', definition.title, 'prose', LIMITS.title);
  add('description', definition.description, 'prose', LIMITS.description);
  if (entity.kind === 'tool') {
    if (isObject(definition.annotations)) add('annotations.title', definition.annotations.title, 'prose', LIMITS.title);
    for (const key of ['inputSchema', 'outputSchema']) walkSchema(definition[key], key, 0, walk);
  } else if (entity.kind === 'prompt') {
    if (Array.isArray(definition.arguments)) {
      definition.arguments.forEach((argument: unknown, index) => {
        if (!isObject(argument)) return;
        const base = `arguments[${index}]`;
        add(`${base}.name`, argument.name, 'parameter');
        add(`${base}.title`, argument.title, 'prose', LIMITS.title);
        add(`${base}.description`, argument.description, 'prose', LIMITS.argumentDescription);
      });
    }
  } else {
    add('uriTemplate', definition.uriTemplate, 'identifier');
    add('mimeType', definition.mimeType, 'identifier');
  }
  return walk;
}

/** Walks a JSON Schema (or anything in its place), collecting every string with its role. */
function walkSchema(node: unknown, path: string, depth: number, walk: FieldWalk, key?: string): void {
  if (walk.truncated) return;
  if (walk.fields.length >= WALK_LIMITS.strings) {
    walk.truncated = `more than ${WALK_LIMITS.strings} strings`;
    walk.truncatedAt = path.split(/[.[]/)[0];
    return;
  }
  if (depth > WALK_LIMITS.depth) {
    walk.truncated = `nested deeper than ${WALK_LIMITS.depth} levels at ${path}`;
    walk.truncatedAt = path.split(/[.[]/)[0];
    return;
  }
  if (typeof node === 'string') {
    if (key !== undefined && key in PROSE_KEYS) walk.fields.push({ field: path, text: node, role: 'prose', limit: PROSE_KEYS[key]! });
    else walk.fields.push({ field: path, text: node, role: key !== undefined && IDENTIFIER_KEYS.has(key) ? 'identifier' : 'value' });
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, index) => walkSchema(item, `${path}[${index}]`, depth + 1, walk, key === 'required' ? 'required' : undefined));
    return;
  }
  if (!isObject(node)) return;
  for (const [name, value] of Object.entries(node)) {
    const at = fieldPath(path, name);
    // A key is text the model reads too (a parameter named "content_from_reading_ssh_id_rsa").
    walk.fields.push({ field: `${at} (key)`, text: name, role: 'identifier' });
    if (NAMED_SCHEMAS.has(name) && isObject(value)) {
      for (const [child, schema] of Object.entries(value)) {
        const childPath = fieldPath(at, child);
        walk.fields.push({ field: `${childPath} (name)`, text: child, role: name === 'properties' ? 'parameter' : 'identifier' });
        walkSchema(schema, childPath, depth + 2, walk);
      }
    } else {
      walkSchema(value, at, depth + 1, walk, name);
    }
  }
}
