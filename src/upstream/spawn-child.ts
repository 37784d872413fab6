// Starts a stdio server as the leader of its own process group, without a shell, with piped stdio
// and the minimal environment; a start that fails says why in a TransportStartError.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { buildChildEnv } from './child-env.js';
import { TransportStartError } from './transport-start-error.js';

export interface SpawnChildOptions {
  command: string;
  args?: string[];
  /** Absolute working directory; the gateway's own when absent. */
  cwd?: string;
  /** Added to the minimal inherited environment. */
  env?: Record<string, string>;
}

/** Spawns the child and resolves once it runs; rejects with a TransportStartError naming the command otherwise. */
export async function spawnChild(options: SpawnChildOptions): Promise<ChildProcessWithoutNullStreams> {
  const { command, args = [], cwd } = options;
  if (cwd !== undefined && !isDirectory(cwd)) throw new TransportStartError(`working directory "${cwd}" does not exist`);
  const child = spawn(command, args, {
    cwd,
    env: buildChildEnv(options.env),
    shell: false,
    // Its own process group (setsid), so one signal reaches the grandchildren a server starts too.
    detached: true,
    stdio: 'pipe',
    windowsHide: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (error) {
    throw new TransportStartError(describeSpawnError(command, error), { cause: error });
  }
  return child;
}

function describeSpawnError(command: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `command "${command}" was not found (ENOENT); check the command and PATH`;
  if (code === 'EACCES') return `command "${command}" is not executable (EACCES)`;
  return `command "${command}" could not be started: ${error instanceof Error ? error.message : String(error)}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
