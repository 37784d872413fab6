// gateway.lock: the definitions a team reviewed and committed, per server, each with its digest, as
// YAML a person can read in a PR (see yaml-text.ts). Read strictly, like our own config: every problem
// is located to FILE:LINE:COL, and a definition that does not match its own digest (edited by hand,
// or tampered with) makes the whole file invalid: fail closed, never half-trust a lockfile.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { WardenError, formatIssues, type ConfigIssue } from '../errors.js';
import { SourceMap, formatPath, type KeyPath } from '../config/source-map.js';
import { canonicalJson } from '../audit/canonical.js';
import { canonicalDefinition, digestOf, entityName } from './digest.js';
import { emptyPins, nullRecord, setEntity } from './server-pins.js';
import { visibleYaml } from './yaml-text.js';
import type { PinnedEntity, PinnedKind, ServerPins } from './types.js';

/** Every server's pins, as the lockfile holds them. */
export interface Lockfile {
  servers: Record<string, ServerPins>;
}

export const LOCKFILE_VERSION = 1;
export const LOCKFILE_NAME = 'gateway.lock';

const HEADER = `# gateway.lock: the tool, prompt and resource-template definitions (and server instructions) that
# mcp-warden pins, per server, each with the sha256 of its canonical JSON. Written by "mcp-warden pin".
# Commit this file: a changed definition then shows as a diff in review, and "mcp-warden pin --check"
# fails CI when a server drifts from it. Do not edit by hand: a definition that does not match its
# digest makes the file invalid.
`;

/** The lockfile's key for each kind's table (snake_case, as in gateway.yaml). */
const TABLE_KEYS = { tools: 'tool', prompts: 'prompt', resource_templates: 'resource-template' } as const;
type TableKey = keyof typeof TABLE_KEYS;
const TABLE_FIELD: Record<TableKey, 'tools' | 'prompts' | 'resourceTemplates'> = { tools: 'tools', prompts: 'prompts', resource_templates: 'resourceTemplates' };
const SERVER_KEYS = [...Object.keys(TABLE_KEYS), 'instructions'];

/** `<directory of the config>/gateway.lock`, unless `override` names another file (relative to `cwd`). */
export function lockfilePathFor(configFile: string, override?: string, cwd = process.cwd()): string {
  return override ? path.resolve(cwd, override) : path.join(path.dirname(configFile), LOCKFILE_NAME);
}

/** The lockfile at `file`, or undefined when there is none; throws CONFIG_INVALID (located) when it is malformed or tampered with. */
export async function readLockfile(file: string, shownAs = file): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WardenError('BAD_INPUT', `Cannot read the lockfile "${shownAs}": ${(error as Error).message}`, { cause: error });
  }
  return parseLockfile(text, shownAs);
}

/** Parses lockfile text; `file` only names it in issues. */
export function parseLockfile(text: string, file: string): Lockfile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const map = new SourceMap(doc, lines, file);
  const issues: ConfigIssue[] = doc.errors.map((error) => yamlIssue(error, map));
  if (issues.length > 0) fail(issues);
  let data: unknown;
  try {
    // No aliases: a lockfile is written by us, and an alias would only ever be a hand edit.
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (error) {
    fail([{ file, line: 1, column: 1, path: '', message: `Cannot read the lockfile: ${(error as Error).message}` }]);
  }
  const lock: Lockfile = { servers: nullRecord() };
  if (!isRecord(data)) fail([map.issue([], 'Expected a mapping with "version" and "servers"; run "mcp-warden pin" to write the lockfile')]);
  for (const key of Object.keys(data)) if (key !== 'version' && key !== 'servers') issues.push(map.issue([key], `Unknown key "${key}"; a lockfile holds "version" and "servers"`, { key: true }));
  if (data.version !== LOCKFILE_VERSION) issues.push(map.issue(['version'], `Unsupported lockfile version ${JSON.stringify(data.version ?? null)}; this mcp-warden reads version ${LOCKFILE_VERSION}`));
  const servers = data.servers ?? {};
  if (!isRecord(servers)) fail([...issues, map.issue(['servers'], 'Expected a mapping of server ids to their pins')]);
  for (const [server, entry] of Object.entries(servers)) {
    lock.servers[server] = readServer(entry, ['servers', server], map, issues);
  }
  if (issues.length > 0) fail(issues);
  return lock;
}

function readServer(entry: unknown, at: KeyPath, map: SourceMap, issues: ConfigIssue[]): ServerPins {
  const pins = emptyPins();
  if (entry === null) return pins;
  if (!isRecord(entry)) {
    issues.push(map.issue(at, `Expected a mapping of ${SERVER_KEYS.map((key) => `"${key}"`).join(', ')}`));
    return pins;
  }
  for (const key of Object.keys(entry)) {
    if (!SERVER_KEYS.includes(key)) issues.push(map.issue([...at, key], `Unknown key "${key}"; a server's pins are ${SERVER_KEYS.map((k) => `"${k}"`).join(', ')}`, { key: true }));
  }
  for (const key of Object.keys(TABLE_KEYS) as TableKey[]) {
    const table = entry[key] ?? {};
    if (!isRecord(table)) {
      issues.push(map.issue([...at, key], `Expected a mapping of names to pinned definitions`));
      continue;
    }
    for (const [name, pinned] of Object.entries(table)) {
      const entity = readEntity(TABLE_KEYS[key], name, pinned, [...at, key, name], map, issues);
      if (entity) pins[TABLE_FIELD[key]][name] = entity;
    }
  }
  if (entry.instructions !== undefined && entry.instructions !== null) {
    const entity = readEntity('instructions', '', entry.instructions, [...at, 'instructions'], map, issues);
    if (entity) pins.instructions = entity;
  }
  return pins;
}

function readEntity(kind: PinnedKind, name: string, pinned: unknown, at: KeyPath, map: SourceMap, issues: ConfigIssue[]): PinnedEntity | undefined {
  const what = kind === 'instructions' ? 'the instructions' : `${kind} "${name}"`;
  if (!isRecord(pinned) || typeof pinned.digest !== 'string' || !('definition' in pinned)) {
    issues.push(map.issue(at, `Expected "digest" and "definition" for ${what}`));
    return undefined;
  }
  for (const key of Object.keys(pinned)) {
    if (key !== 'digest' && key !== 'definition') issues.push(map.issue([...at, key], `Unknown key "${key}"; a pin holds "digest" and "definition"`, { key: true }));
  }
  const definition = pinned.definition;
  // What is written must be exactly what a pin covers, or the digest would vouch for fields nobody checks.
  if (kind === 'instructions' ? typeof definition !== 'string' : canonicalJson(canonicalDefinition(kind, definition)) !== canonicalJson(definition)) {
    issues.push(map.issue([...at, 'definition'], `The definition of ${what} holds fields a pin does not cover, or is not a mapping`));
    return undefined;
  }
  if (entityName(kind, definition) !== name) {
    issues.push(map.issue([...at, 'definition'], `The definition of ${what} names "${entityName(kind, definition)}"; the key and the definition must agree`));
    return undefined;
  }
  if (digestOf(definition) !== pinned.digest) {
    issues.push(
      map.issue(
        [...at, 'digest'],
        `The digest of ${what} does not match its definition: the lockfile was edited by hand or tampered with; run "mcp-warden pin" to pin again from the servers and review the diff`,
      ),
    );
    return undefined;
  }
  return { kind, name, definition, digest: pinned.digest };
}

/** The lockfile's text: header comment, then servers, tables and names in sorted order, definitions with sorted keys. */
export function formatLockfile(lock: Lockfile): string {
  const servers: Record<string, unknown> = {};
  for (const server of Object.keys(lock.servers).sort()) {
    const pins = lock.servers[server]!;
    const out: Record<string, unknown> = {};
    if (pins.instructions) out.instructions = written(pins.instructions);
    for (const key of Object.keys(TABLE_KEYS) as TableKey[]) {
      const table = pins[TABLE_FIELD[key]];
      const names = Object.keys(table).sort();
      if (names.length === 0) continue;
      const entries = nullRecord<unknown>();
      for (const name of names) entries[name] = written(table[name]!);
      out[key] = entries;
    }
    servers[server] = out;
  }
  return `${HEADER}${visibleYaml({ version: LOCKFILE_VERSION, servers })}`;
}

function written(entity: PinnedEntity): { digest: string; definition: unknown } {
  // Canonical JSON and back: keys sorted at every depth, so the same pins always write the same text.
  return { digest: entity.digest, definition: JSON.parse(canonicalJson(entity.definition)) as unknown };
}

/** Writes the lockfile atomically (temp file, then rename): a reader sees the old file or the new, never half of one. */
export async function writeLockfile(file: string, lock: Lockfile): Promise<void> {
  await atomicWrite(file, formatLockfile(lock), 0o644);
}

/** Records one entity in the lockfile at `file` (re-read first, so pins written meanwhile are kept). */
export async function updateLockfile(file: string, server: string, entity: PinnedEntity): Promise<void> {
  const lock = (await readLockfile(file)) ?? { servers: nullRecord<ServerPins>() };
  const pins = (lock.servers[server] ??= emptyPins());
  setEntity(pins, entity);
  await writeLockfile(file, lock);
}

/** Writes `text` to `file` through a temp file in the same directory and a rename. */
export async function atomicWrite(file: string, text: string, mode: number): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { mode });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new WardenError('BAD_INPUT', `Cannot write "${file}": ${(error as Error).message}`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function yamlIssue(error: YAMLError, map: SourceMap): ConfigIssue {
  const { line, column } = map.offsetPosition(error.pos[0]);
  const message = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  return { file: map.file, line, column, path: formatPath(map.pathAt(error.pos[0])), message: message.charAt(0).toUpperCase() + message.slice(1) };
}

function fail(issues: ConfigIssue[]): never {
  const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
  throw new WardenError('CONFIG_INVALID', formatIssues(sorted), { issues: sorted });
}
