// The pins a gateway checks against, on disk: gateway.lock when it exists, plus what a person trusted
// at run time, kept in the state directory per config and server; with no lockfile, trust on first
// use in that same state. Where the trusted entries live is a seam (trusted-entries.ts): files here,
// rows of the PostgreSQL store when replicas share one (pg-pin-store.ts). Several gateways of one user
// share the state, so each trusted entity is its own file, replaced atomically (temp file, rename): two
// gateways trusting at once never lose one another's entries, as a read-merge-write of one shared file
// would.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { WardenError } from '../errors.js';
import { ensurePrivateDir, resolveStateDir } from '../approval/state-dir.js';
import { digestOf } from './digest.js';
import { layeredPins, trustedEntry, type TrustedEntry } from './layered-pins.js';
import { checkedEntry, type TrustedEntries } from './trusted-entries.js';
import { atomicWrite, readLockfile } from './lockfile.js';
import type { PinnedEntity, PinSource, PinStore, ServerPins } from './types.js';

export interface FilePinStoreOptions {
  /** The lockfile; it need not exist. */
  lockfilePath: string;
  /** The state directory (default $MCP_WARDEN_STATE_DIR, else ~/.mcp-warden). */
  stateDir?: string;
  /** The gateway config whose pins these are: each config keeps its own first-use pins. */
  configPath: string;
}

const STATE_VERSION = 1;

/** `<state>/pins/<first 16 hex of sha256 of the config's absolute path>`: where one config's pins are kept. */
export function pinStateDir(stateDir: string | undefined, configPath: string): string {
  const key = createHash('sha256').update(path.resolve(configPath)).digest('hex').slice(0, 16);
  return path.join(resolveStateDir(stateDir), 'pins', key);
}

/** The file PinStore (or, with `entries`, the same layering over entries kept elsewhere). */
export function createPinStore(options: FilePinStoreOptions & { entries?: TrustedEntries }): PinStore {
  const entries = options.entries ?? fileTrustedEntries(options);
  const lockOf = async (server: string) => {
    const lock = await readLockfile(options.lockfilePath);
    return lock ? { pins: lock.servers[server] } : undefined;
  };
  return {
    async load(server: string): Promise<ServerPins | undefined> {
      const [lock, kept] = await Promise.all([lockOf(server), entries.read(server)]);
      return layeredPins(lock, kept);
    },
    async trust(server: string, entity: PinnedEntity): Promise<void> {
      if (digestOf(entity.definition) !== entity.digest) throw new WardenError('INTERNAL', `Pin of ${entity.kind} "${entity.name}" has a digest that does not match its definition`);
      await entries.write(server, trustedEntry(await lockOf(server), entity));
    },
    source(): PinSource {
      return existsSync(options.lockfilePath) ? { kind: 'lockfile', path: options.lockfilePath } : { kind: 'state', path: entries.where() };
    },
  };
}

/** The entries as files: `<pinStateDir>/<server>/<kind>.<sha256 of the name, 32 hex>.json`, one per trusted entity. */
export function fileTrustedEntries(options: { stateDir?: string; configPath: string }): TrustedEntries {
  const dir = pinStateDir(options.stateDir, options.configPath);
  const serverDir = (server: string) => path.join(dir, encodeURIComponent(server));
  return {
    read: (server) => readEntries(serverDir(server)),
    async write(server, entry) {
      for (const each of [path.dirname(dir), dir, serverDir(server)]) await ensurePrivateDir(each);
      const name = createHash('sha256').update(entry.entity.name).digest('hex').slice(0, 32);
      const text = `${JSON.stringify({ version: STATE_VERSION, config: path.resolve(options.configPath), server, ...entry }, null, 2)}\n`;
      await atomicWrite(path.join(serverDir(server), `${entry.entity.kind}.${name}.json`), text, 0o600);
    },
    where: () => dir,
  };
}

/** Every entry kept for one server; [] when there are none. */
async function readEntries(dir: string): Promise<TrustedEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new WardenError('BAD_INPUT', `Cannot read the pin state "${dir}": ${(error as Error).message}`, { cause: error });
  }
  // Temp files of a write in progress start with a dot; they are not entries yet.
  const files = names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
  return Promise.all(files.map((name) => readEntry(path.join(dir, name))));
}

/** One entry file. A damaged one is an error, never skipped: fail closed. */
async function readEntry(file: string): Promise<TrustedEntry> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new WardenError('BAD_INPUT', `Cannot read the pin state "${file}": ${(error as Error).message}`, { cause: error });
  }
  const damaged = (why: string) =>
    new WardenError('BAD_INPUT', `The pin state "${file}" is damaged (${why}); delete it to trust this definition again on first use`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw damaged((error as Error).message);
  }
  if (typeof data !== 'object' || data === null) throw damaged('not an object');
  if ((data as { version?: unknown }).version !== STATE_VERSION) throw damaged(`expected version ${STATE_VERSION}`);
  return checkedEntry(data, damaged);
}
