// A real PostgreSQL for tests: initdb in a temporary directory, started on 127.0.0.1 with a random
// port, trust authentication and no fsync. initdb and postgres refuse to run as root, so as root they
// run as the `postgres` system user the Debian package creates. Stop and start again keep the data
// directory, for the tests that take the database away and bring it back.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'vitest';

const run = promisify(execFile);

export interface RunningPostgres {
  /** `postgresql://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** The server's data directory. */
  dataDir: string;
  /** Stops the server (fast shutdown: clients are disconnected); the data directory stays. */
  stop(): Promise<void>;
  /** Starts the stopped server again, on the same port and data directory. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stops the server and removes its directory; idempotent. */
  close(): Promise<void>;
}

/** The directory of initdb, pg_ctl and postgres, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.MCP_WARDEN_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'pg_ctl'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  // The newest installed major version.
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  const bin = postgresBinDir();
  if (!bin) return 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl; set MCP_WARDEN_PG_BIN or install the postgresql package)';
  if (isRoot() && !hasUser('postgres')) return 'running as root, and there is no "postgres" user to run PostgreSQL as (initdb refuses root)';
  return undefined;
}

/**
 * `describe` for tests that need PostgreSQL. Without it they fail in CI (CI=true), with the reason,
 * and are skipped elsewhere with the reason printed.
 */
export function describeWithPostgres(name: string, body: () => void): void {
  const missing = postgresMissing();
  if (!missing) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      test('PostgreSQL is available', () => {
        throw new Error(`These tests need PostgreSQL: ${missing}`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": ${missing}`);
  describe.skip(name, body);
}

/** Initialises and starts a private PostgreSQL server; close() it when done. */
export async function startPostgres(): Promise<RunningPostgres> {
  const missing = postgresMissing();
  if (missing) throw new Error(`Cannot start PostgreSQL: ${missing}`);
  const bin = postgresBinDir()!;
  const root = await mkdtemp(join(tmpdir(), 'warden-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = root;
  const logFile = join(root, 'postgres.log');
  const asOwner = isRoot();
  if (asOwner) {
    const { uid, gid } = userIds('postgres');
    await chown(root, uid, gid);
  }
  const exec = async (file: string, args: string[]): Promise<void> => {
    const command = asOwner ? ['runuser', ['-u', 'postgres', '--', join(bin, file), ...args]] as const : [join(bin, file), args] as const;
    try {
      await run(command[0], [...command[1]], { timeout: 120_000 });
    } catch (error) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      const e = error as Error & { stderr?: string };
      throw new Error(`${file} ${args.join(' ')} failed: ${e.stderr || e.message}${log ? `\n--- postgres.log ---\n${log.slice(-4000)}` : ''}`, { cause: error });
    }
  };

  await exec('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  let port = await freePort();
  let running = false;
  const start = async (): Promise<void> => {
    const options = [
      `-p ${port}`,
      `-k ${socketDir}`,
      `-c listen_addresses=127.0.0.1`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    await exec('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
    running = true;
  };
  const stop = async (): Promise<void> => {
    if (!running) return;
    running = false;
    await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  };
  // A test run that dies leaves no server behind: stop it synchronously on exit.
  const onExit = (): void => {
    if (!running) return;
    const args = ['-D', dataDir, '-m', 'immediate', 'stop'];
    try {
      if (asOwner) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch {
      // Nothing more can be done while exiting.
    }
  };
  process.on('exit', onExit);

  for (let attempt = 0; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      // Another process took the port between our probe and the start: try another one.
      if (attempt >= 3) throw error;
      port = await freePort();
    }
  }
  let closed = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await stop().catch(() => {});
      process.off('exit', onExit);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A fresh database on `server` (CREATE DATABASE), so tests sharing one server do not see each other's rows. */
export async function createDatabase(server: RunningPostgres, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await client.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasUser(name: string): boolean {
  try {
    userIds(name);
    return true;
  } catch {
    return false;
  }
}

function userIds(name: string): { uid: number; gid: number } {
  // os.userInfo only knows the current user; /etc/passwd is the portable answer for another one.
  for (const line of readFileSyncText('/etc/passwd').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`No user "${name}" (current user: ${userInfo().username})`);
}

function readFileSyncText(path: string): string {
  return readFileSync(path, 'utf8');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('No port'))));
    });
  });
}
