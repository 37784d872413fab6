// Tiny real process groups for the process-group and registry tests: a leader started with
// `detached: true` and one grandchild, both ignoring SIGTERM when asked to (an ignored signal stays
// ignored across fork and exec, so `trap '' TERM` covers both).
import { spawn } from 'node:child_process';
import { afterEach } from 'vitest';

export interface Group {
  /** The leader's pid, which is also the group id. */
  pgid: number;
  grandchild: number;
  /** Resolves once Node has reaped the leader. */
  exited: Promise<void>;
}

const started: number[] = [];
afterEach(() => {
  for (const pgid of started.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone: what the test wanted.
    }
  }
});

/**
 * Starts `sleep` as a group leader with a `sleep` grandchild; resolves once both run. An orphaned
 * grandchild that dies may stay a zombie (an init that does not reap, as on this machine), and a
 * zombie still counts for kill(-pgid, 0): tests that need a group to be truly gone use startLeader().
 */
export async function startGroup(options: { ignoreSigterm: boolean }): Promise<Group> {
  const trap = options.ignoreSigterm ? "trap '' TERM; " : '';
  const child = spawn('sh', ['-c', `${trap}sleep 60 & echo $!; exec sleep 60`], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child.pid!);
  const grandchild = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { pgid: child.pid!, grandchild, exited };
}

/** Starts a lone `sleep` as a group leader (no grandchild), so that once Node reaps it the group is truly gone. */
export function startLeader(): { pgid: number; exited: Promise<void> } {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  started.push(child.pid!);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { pgid: child.pid!, exited };
}
