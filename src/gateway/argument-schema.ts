// Checks a call's arguments against the tool's inputSchema with ajv, the gateway's own validator (our
// message core runs no SDK Protocol object, so nothing else validates them). Each schema is compiled once: by definition
// object for the catalog that holds it, and by digest across sessions and list changes, so an
// unchanged schema is not compiled again and a changed one always is.
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { digestArguments } from '../audit/canonical.js';
import { describeSchemaError } from './schema-errors.js';
import { boundedRegExp, regexRefusal, startRegexBudget } from './schema-regex.js';

type JsonObject = Record<string, unknown>;
type Compiled = { validate: ValidateFunction } | { problem: string };

/**
 * Checks only. `useDefaults`, `coerceTypes` and `removeAdditional` would rewrite the arguments that
 * are then forwarded (and after their digest was taken); `strict: false` lets the unknown keywords
 * of real-world schemas (`x-…`, `examples` in odd places) compile; formats are not checked, as no
 * format vocabulary is loaded; `ownProperties` keeps `required: ["toString"]` from being met by
 * Object.prototype; the upstream's regexes run on the agent's strings with a bounded engine.
 */
const OPTIONS: Options = {
  strict: false,
  useDefaults: false,
  coerceTypes: false,
  removeAdditional: false,
  allErrors: false,
  verbose: true,
  ownProperties: true,
  validateFormats: false,
  addUsedSchema: false,
  logger: false,
  code: { regExp: boundedRegExp },
};

type Dialect = 'draft-07' | '2019-09' | '2020-12';
const DIALECTS: Array<[RegExp, Dialect]> = [
  [/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/, 'draft-07'],
  [/^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/, '2019-09'],
  [/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/, '2020-12'],
];

const validators = new Map<Dialect, Ajv>();
function validatorFor(dialect: Dialect): Ajv {
  let ajv = validators.get(dialect);
  if (!ajv) {
    ajv = dialect === 'draft-07' ? new Ajv(OPTIONS) : dialect === '2019-09' ? new Ajv2019(OPTIONS) : new Ajv2020(OPTIONS);
    validators.set(dialect, ajv);
  }
  return ajv;
}

const byDefinition = new WeakMap<object, Compiled>();
const byDigest = new Map<string, Compiled>();
/**
 * Distinct schemas kept compiled across sessions, the least recently used dropped past it. A schema a
 * catalog still holds stays compiled through `byDefinition` whatever this drops.
 */
const MAX_COMPILED = 256;

/** Why `args` do not fit `schema`, or undefined when they do. Never throws. */
export function schemaProblem(schema: JsonObject, args: JsonObject): { compiled: false; message: string } | { compiled: true; message: string } | undefined {
  const compiled = compiledFor(schema);
  if ('problem' in compiled) return { compiled: false, message: compiled.problem };
  startRegexBudget();
  const valid = compiled.validate(args);
  // A pattern the gateway would not run answered "no match"; under `not`, `anyOf` or
  // `patternProperties` that can let arguments pass that were never checked, so it refuses them.
  const refusal = regexRefusal();
  if (valid && refusal === undefined) return undefined;
  const error = valid ? undefined : compiled.validate.errors?.[0];
  if (!error) return { compiled: true, message: refusal! };
  const message = describeSchemaError(error);
  return { compiled: true, message: refusal !== undefined && error.keyword === 'pattern' ? `${message}: ${refusal}` : message };
}

function compiledFor(schema: JsonObject): Compiled {
  let compiled = byDefinition.get(schema);
  if (compiled) return compiled;
  const digest = digestArguments(schema);
  compiled = byDigest.get(digest) ?? compile(schema);
  byDigest.delete(digest);
  if (byDigest.size >= MAX_COMPILED) byDigest.delete(byDigest.keys().next().value!);
  byDigest.set(digest, compiled);
  byDefinition.set(schema, compiled);
  return compiled;
}

/**
 * The schema's `$schema` says the dialect; without one MCP says 2020-12, and a schema that is only
 * valid as draft-07 (tuple `items`, as older servers write them) is read as draft-07.
 */
function compile(schema: JsonObject): Compiled {
  const { $schema: declared, ...body } = schema;
  if (declared !== undefined) {
    const dialect = DIALECTS.find(([pattern]) => typeof declared === 'string' && pattern.test(declared))?.[1];
    if (!dialect) return { problem: `its $schema ${JSON.stringify(declared)} is not a dialect the gateway checks (draft-07, 2019-09 or 2020-12)` };
    return compileAs(dialect, body);
  }
  const latest = compileAs('2020-12', body);
  if ('validate' in latest) return latest;
  const older = compileAs('draft-07', body);
  return 'validate' in older ? older : latest;
}

function compileAs(dialect: Dialect, schema: JsonObject): Compiled {
  const ajv = validatorFor(dialect);
  // Checking the schema against its meta-schema runs patterns too: never on a budget a call spent.
  startRegexBudget();
  try {
    return { validate: ajv.compile(schema) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  } finally {
    // The compiled function stands alone; ajv would otherwise keep every schema it ever saw.
    ajv.removeSchema(schema);
  }
}
