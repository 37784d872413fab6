// The gateway registry as files: `<state dir>/gateways/<pid>.json`, mode 0600 in a 0700 directory,
// each written to a temp file and renamed into place so a reader never sees half an entry. A gateway
// killed with -9 leaves its file behind; readers skip it (its pid is free, or belongs to a process
// that started at another time) and remove it.
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ownerGone } from '../approval/gateway-owner.js';
import { ensurePrivateDir, resolveStateDir } from '../approval/state-dir.js';
import type { GatewayEntry } from './gateway-entry.js';
import type { GatewayRegistry } from './gateway-registry.js';

/** `<state dir>/gateways`. */
export function gatewaysDir(stateDir?: string): string {
  return join(resolveStateDir(stateDir), 'gateways');
}

export class FileGatewayRegistry implements GatewayRegistry {
  readonly dir: string;
  #ready: Promise<void> | undefined;

  constructor(options: { stateDir?: string; dir?: string } = {}) {
    this.dir = options.dir ?? gatewaysDir(options.stateDir);
  }

  async publish(entry: GatewayEntry): Promise<void> {
    await (this.#ready ??= ensurePrivateDir(this.dir).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    }));
    const temp = join(this.dir, `.tmp-${entry.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(temp, JSON.stringify(entry), { mode: 0o600 });
      await rename(temp, this.#path(entry.pid));
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }

  async withdraw(pid: number): Promise<void> {
    await unlink(this.#path(pid)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async live(): Promise<GatewayEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: GatewayEntry[] = [];
    for (const name of names) {
      if (!/^\d+\.json$/.test(name)) continue;
      const entry = await this.#read(join(this.dir, name));
      if (!entry) continue;
      if (ownerGone(entry)) {
        // Housekeeping: another reader may have removed it first.
        await unlink(join(this.dir, name)).catch(() => {});
        continue;
      }
      entries.push(entry);
    }
    return entries.sort((a, b) => a.startedAt - b.startedAt);
  }

  async #read(path: string): Promise<GatewayEntry | undefined> {
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<GatewayEntry>;
      // Written by us, but a file of another version or a hand edit is skipped rather than trusted.
      if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || !Array.isArray(parsed.sessions)) return undefined;
      return parsed as GatewayEntry;
    } catch {
      // Gone between readdir and read (the gateway stopped), or not JSON: not a live gateway to show.
      return undefined;
    }
  }

  #path(pid: number): string {
    return join(this.dir, `${pid}.json`);
  }
}
