// The console's token and address, kept in the approvals directory (mode 0600) so that every gateway
// of this user serves the same token and the CLI can tell a person where the console is.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { approvalsDir, ensurePrivateDir } from './state-dir.js';
import { currentOwner, ownerGone } from './gateway-owner.js';
import type { TicketOwner } from './types.js';

export interface ConsoleStateOptions {
  /** The approvals directory; default `approvalsDir(stateDir)`. */
  dir?: string;
  stateDir?: string;
}

/** The console token shared by this user's gateways, created (256 random bits, mode 0600) on first use. */
export async function loadConsoleToken(options: ConsoleStateOptions = {}): Promise<string> {
  const dir = options.dir ?? approvalsDir(options.stateDir);
  await ensurePrivateDir(dir);
  const path = join(dir, 'console-token');
  const existing = await readToken(path);
  if (existing) return existing;
  try {
    await writeFile(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another gateway created it at the same moment: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const token = await readToken(path);
  if (!token) throw new Error(`The console token file "${path}" is empty; delete it and start again`);
  return token;
}

/** Records where a console listens, for `approvals list` and webhook links. */
export async function writeConsoleAddress(url: string, options: ConsoleStateOptions = {}): Promise<void> {
  const dir = options.dir ?? approvalsDir(options.stateDir);
  await ensurePrivateDir(dir);
  const temp = join(dir, `.tmp-console-${process.pid}`);
  await writeFile(temp, JSON.stringify({ url, pid: process.pid, owner: currentOwner() }), { mode: 0o600 });
  await rename(temp, join(dir, 'console.json'));
}

/** The URL of the console last started by a gateway of this user, if it was recorded and that gateway still runs. */
export async function readConsoleAddress(options: ConsoleStateOptions = {}): Promise<string | undefined> {
  const dir = options.dir ?? approvalsDir(options.stateDir);
  try {
    const parsed = JSON.parse(await readFile(join(dir, 'console.json'), 'utf8')) as { url?: unknown; pid?: unknown; owner?: TicketOwner };
    // A console whose gateway was killed answers nobody; a file of an older version names only the pid.
    const owner = parsed.owner ?? (typeof parsed.pid === 'number' ? { pid: parsed.pid, host: hostname() } : undefined);
    if (ownerGone(owner)) return undefined;
    return typeof parsed.url === 'string' ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

/** The console token if one was created, without creating it (for commands that only read). */
export async function readConsoleToken(options: ConsoleStateOptions = {}): Promise<string | undefined> {
  return readToken(join(options.dir ?? approvalsDir(options.stateDir), 'console-token'));
}

async function readToken(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) await chmod(path, 0o600);
  return text.trim() || undefined;
}
