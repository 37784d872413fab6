// Runs the shipped deploy/haproxy/haproxy.cfg for tests: the file rendered with the test's addresses
// into a temporary directory (plus an admin socket, so tests can see which replicas HAProxy holds
// up), started as `haproxy -f FILE -db` in the foreground, and stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HAPROXY = '/usr/sbin/haproxy';
export const HAPROXY_CONFIG = fileURLToPath(new URL('../../deploy/haproxy/haproxy.cfg', import.meta.url));

/** Why HAProxy tests cannot run here, or undefined when they can. */
export function haproxyMissing(): string | undefined {
  return existsSync(HAPROXY) ? undefined : `${HAPROXY} is not installed (apt-get install haproxy)`;
}

export interface RunningHaproxy {
  /** `http://127.0.0.1:PORT`, where agents connect. */
  url: string;
  /** What HAProxy printed (its log goes to stderr). */
  output: () => string;
  /** Each server's state as HAProxy's health checks see it: `warden1` → `UP` / `DOWN` / ... */
  serverStates(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** `deploy/haproxy/haproxy.cfg` with its addresses filled in, and an admin socket for the tests. */
export function renderHaproxyConfig(options: { bind: string; backends: string[]; socket: string }): string {
  let text = readFileSync(HAPROXY_CONFIG, 'utf8').replace('"${HAPROXY_BIND}"', options.bind);
  options.backends.forEach((backend, index) => (text = text.replace(`"\${WARDEN_${index + 1}}"`, backend)));
  if (text.split('\n').some((line) => !line.trim().startsWith('#') && line.includes('${'))) throw new Error('The HAProxy config names more replicas than the test gave');
  // Checks more often than in production, so a killed replica (connection refused: fails at once) is marked down within about a second.
  text = text.replace('default-server inter 2s fall 2 rise 2', 'default-server inter 500ms fall 2 rise 1');
  return text.replace(/^global\n/m, `global\n    stats socket ${options.socket} mode 600 level admin\n`);
}

/** Starts HAProxy in front of `backends` (`HOST:PORT` each) on a free loopback port. */
export async function startHaproxy(backends: string[]): Promise<RunningHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-haproxy-'));
  const socket = join(dir, 'admin.sock');
  const port = await freePort();
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, renderHaproxyConfig({ bind: `127.0.0.1:${port}`, backends, socket }));
  const child: ChildProcess = spawn(HAPROXY, ['-f', file, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const states = () => adminCommand(socket, 'show stat').then(parseStates);
  // Ready once it listens and has checked every server up.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${output}`);
    const up = await states().catch((): Record<string, string> => ({}));
    if (backends.every((_, index) => up[`warden${index + 1}`] === 'UP')) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not see every replica up within 20 s (${JSON.stringify(up)}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output,
    serverStates: states,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A port nobody listens on right now (HAProxy cannot bind port 0 and say which it got). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function adminCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const connection = createConnection(socket, () => connection.end(`${command}\n`));
    connection.on('data', (chunk: Buffer) => (text += chunk.toString()));
    connection.once('error', reject);
    connection.once('close', () => resolve(text));
  });
}

/** `show stat` CSV → the status of each server of the wardens backend. */
function parseStates(csv: string): Record<string, string> {
  const lines = csv.split('\n').filter(Boolean);
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  const [px, sv, status] = ['pxname', 'svname', 'status'].map((name) => header.indexOf(name));
  const states: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const fields = line.split(',');
    if (fields[px!] === 'wardens' && fields[sv!] !== 'BACKEND') states[fields[sv!]!] = fields[status!]!.split(' ')[0]!;
  }
  return states;
}
