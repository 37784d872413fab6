// What `explain` says about a tool's pin: what the pin store holds for it, read offline (no upstream
// is started, so whether the server still lists the same definition is for `pin --check` to say).
import { displayPath } from '../config/index.js';
import { createPinStore } from '../pinning/pin-store.js';
import { lockfilePathFor, readLockfile } from '../pinning/lockfile.js';
import { pinOf } from '../pinning/server-pins.js';
import type { PinSource } from '../pinning/types.js';
import type { TrustedEntries } from '../pinning/trusted-entries.js';

/**
 * `pinned`: the lockfile's (or first use's) pin is in force; `trusted-change`: a change a person
 * trusted at run time is layered over the lockfile's pin; `not-pinned`: nothing is kept for the tool;
 * `error`: the lockfile or the state cannot be read (the gateway refuses the server's tools then).
 */
export interface PinExplanation {
  state: 'pinned' | 'trusted-change' | 'not-pinned' | 'error';
  source: PinSource;
  /** The digest in force. */
  digest?: string;
  /** The lockfile's digest, when a trusted change is layered over it. */
  lockfileDigest?: string;
  message: string;
}

export interface ExplainPinOptions {
  configFile: string;
  lockfile?: string;
  stateDir?: string;
  /** Where the trusted entries live when not in the state directory (the config's PostgreSQL store). */
  entries?: TrustedEntries;
  cwd: string;
}

export async function explainPin(server: string, tool: string, options: ExplainPinOptions): Promise<PinExplanation> {
  const lockfilePath = lockfilePathFor(options.configFile, options.lockfile, options.cwd);
  const store = createPinStore({
    lockfilePath,
    configPath: options.configFile,
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(options.entries ? { entries: options.entries } : {}),
  });
  const source = store.source();
  const shown = source.kind === 'lockfile' ? displayPath(source.path, options.cwd) : options.entries ? source.path : `the state directory (${source.path})`;
  try {
    const pin = pinOf(await store.load(server), 'tool', tool);
    if (!pin) return { state: 'not-pinned', source, message: `not pinned in ${shown}: its definition is new to the gateway` };
    if (source.kind === 'lockfile') {
      const locked = pinOf((await readLockfile(lockfilePath))?.servers[server], 'tool', tool);
      if (locked?.digest !== pin.digest) {
        return {
          state: 'trusted-change',
          source,
          digest: pin.digest,
          ...(locked && { lockfileDigest: locked.digest }),
          message: `changed since pinned in ${shown}: a change trusted at run time (${short(pin.digest)}) is in force${locked ? ` over the lockfile's ${short(locked.digest)}` : ''}; run "mcp-warden pin" to review it into the lockfile`,
        };
      }
    }
    return { state: 'pinned', source, digest: pin.digest, message: `pinned in ${source.kind === 'lockfile' ? shown : `${shown} on first use`} (${short(pin.digest)})` };
  } catch (error) {
    return { state: 'error', source, message: `the pins cannot be read: ${(error as Error).message}` };
  }
}

function short(digest: string): string {
  return `${digest.slice(0, 'sha256:'.length + 12)}…`;
}
