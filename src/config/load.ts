// Reading gateway.yaml: find the file, parse it with positions, expand ${VAR}, validate, resolve. Every
// problem in the file is collected and thrown as one CONFIG_INVALID error, each located to the character.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Document, type YAMLError } from 'yaml';
import { WardenError, formatIssues, type ConfigIssue } from '../errors.js';
import { expandDocument } from './expand-env.js';
import { resolveConfig } from './resolve.js';
import { gatewaySchema } from './schema.js';
import { isRecord } from './sections.js';
import { SourceMap, formatPath } from './source-map.js';
import type { ResolvedConfig } from './types.js';
import { fromZodIssues } from './zod-issues.js';

export interface LoadOptions {
  /** The config file; relative to `cwd`. Defaults to $MCP_WARDEN_CONFIG, then ./gateway.yaml. */
  file?: string;
  /** Variables for ${VAR} expansion and MCP_WARDEN_CONFIG; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Defaults to process.cwd(). */
  cwd?: string;
}

/** Finds, reads and resolves the config; throws CONFIG_NOT_FOUND or CONFIG_INVALID (with every issue). */
export async function loadConfig(options: LoadOptions = {}): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = path.resolve(cwd, options.file || env.MCP_WARDEN_CONFIG || 'gateway.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const shown = displayPath(file, cwd);
    if (code === 'ENOENT') {
      throw new WardenError('CONFIG_NOT_FOUND', `Config file "${shown}" not found; pass --config FILE, set MCP_WARDEN_CONFIG, or start from one in examples/`, { cause: error });
    }
    if (code === 'EISDIR') throw new WardenError('CONFIG_NOT_FOUND', `Config file "${shown}" is a directory; pass the path of a .yaml file`, { cause: error });
    throw new WardenError('CONFIG_NOT_FOUND', `Cannot read config file "${shown}": ${(error as Error).message}`, { cause: error });
  }
  return parseConfig(text, { file, env, cwd });
}

/** Parses and resolves config text without reading it from disk; `file` only names it and sets the base directory. */
export function parseConfig(text: string, options: LoadOptions = {}): ResolvedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = path.resolve(cwd, options.file ?? 'gateway.yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const map = new SourceMap(doc, lines, displayPath(file, cwd));

  const issues: ConfigIssue[] = [...doc.errors, ...doc.warnings].map((error) => yamlIssue(error, map));
  // A duplicate key leaves a usable document; any other syntax error does not, so stop there.
  if (doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) fail(issues);
  if (doc.contents === null) {
    fail([...issues, { file: map.file, line: 1, column: 1, path: '', message: 'The config file is empty; define servers and agents (see examples/)' }]);
  }

  const tokenTexts = rawTokenTexts(doc);
  const expansion = expandDocument(doc, env, map);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    fail([...issues, ...expansion, { file: map.file, line: 1, column: 1, path: '', message: `Cannot read the document: ${(error as Error).message}` }]);
  }
  if (!isRecord(data)) {
    fail([...issues, map.issue([], 'Expected a mapping of sections (servers, profiles, agents, ...) at the top of the file')]);
  }

  const parsed = gatewaySchema.safeParse(data, { reportInput: true });
  const later: ConfigIssue[] = parsed.success ? [] : fromZodIssues(parsed.error.issues, gatewaySchema, map);
  const base = { map, file, baseDir: path.dirname(file), issues: later };
  const config = resolveConfig(data, base);
  // A value whose ${VAR} failed to expand would fail validation too; report the variable, not the symptom.
  const unexpanded = new Set(expansion.map((issue) => issue.path));
  issues.push(...expansion, ...later.filter((issue) => !unexpanded.has(issue.path)));
  if (issues.length > 0) fail(issues);
  noteTokenVariables(config, tokenTexts, env);
  return config;
}

const TOKEN_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}$/;

/** The token values as written, before `${VAR}` expansion, so start-up hints can name the variable. */
function rawTokenTexts(doc: Document): Map<string, string> {
  const texts = new Map<string, string>();
  const agents = doc.get('agents', true);
  if (!isMap(agents)) return texts;
  for (const pair of agents.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const token = isMap(pair.value) ? pair.value.get('token', true) : undefined;
    if (name && isScalar(token) && typeof token.value === 'string') texts.set(name, token.value);
  }
  return texts;
}

function noteTokenVariables(config: ResolvedConfig, texts: Map<string, string>, env: Record<string, string | undefined>): void {
  for (const [name, text] of texts) {
    const agent = config.agents[name];
    const match = TOKEN_REFERENCE.exec(text);
    if (!agent || !match) continue;
    agent.tokenVariable = match[1]!;
    agent.tokenIsDefault = match[2] !== undefined && !env[match[1]!];
  }
}

/** The file as people see it: relative to `cwd` when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function yamlIssue(error: YAMLError, map: SourceMap): ConfigIssue {
  const offset = error.pos[0];
  const keyPath = map.pathAt(offset);
  const { line, column } = map.offsetPosition(offset);
  let message = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  if (error.code === 'DUPLICATE_KEY') message = `Duplicate key "${String(keyPath[keyPath.length - 1] ?? '')}"; each key may appear once in a mapping`;
  message = message.charAt(0).toUpperCase() + message.slice(1);
  return { file: map.file, line, column, path: formatPath(keyPath), message };
}

function fail(issues: ConfigIssue[]): never {
  const unique = new Map<string, ConfigIssue>();
  for (const issue of issues) unique.set(`${issue.line}:${issue.column}:${issue.path}:${issue.message}`, issue);
  const sorted = [...unique.values()].sort((a, b) => a.line - b.line || a.column - b.column);
  throw new WardenError('CONFIG_INVALID', formatIssues(sorted), { issues: sorted });
}
