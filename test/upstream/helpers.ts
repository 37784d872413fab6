// Shared helpers for the upstream tests: fixture paths, configs, the HTTP fixture, process checks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { RemoteServerConfig, StdioServerConfig } from '../../src/config/types.js';

/** Absolute path of a fixture server in test/fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

const serverDefaults = {
  kind: 'generic' as const,
  readonly: [],
  trusted: false,
  timeoutMs: 10_000,
  startup: 'lazy' as const,
  inspect: {},
  dialect: 'postgres' as const,
  roots: [],
  source: 'test',
};

/** A stdio server config running `node test/fixtures/<fixture>` (or any command via overrides). */
export function stdioConfig(id: string, fixture: string, overrides: Partial<StdioServerConfig> = {}): StdioServerConfig {
  return { ...serverDefaults, id, transport: 'stdio', command: process.execPath, args: [fixturePath(fixture)], env: {}, cwd: process.cwd(), ...overrides };
}

/** A remote server config. */
export function remoteConfig(id: string, url: string, overrides: Partial<RemoteServerConfig> = {}): RemoteServerConfig {
  return { ...serverDefaults, id, transport: 'http', url, headers: {}, ...overrides };
}

/** The text of the first text block of a tool result. */
export function textOf(result: CallToolResult): string {
  const block = result.content.find((item) => item.type === 'text');
  return block && 'text' in block ? String(block.text) : '';
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** True when no process `pid` runs (a zombie waiting to be reaped counts as gone). */
export function isPidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

export interface HttpFixture {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts test/fixtures/http-server.mjs and waits for its `listening <port>` line. */
export async function startHttpFixture(args: string[] = []): Promise<HttpFixture> {
  const child: ResultPromise = execa(process.execPath, [fixturePath('http-server.mjs'), '--port', '0', ...args], {
    buffer: false,
    reject: false,
    stdin: 'ignore',
    stderr: 'inherit',
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening (\d+)/.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    void child.then(() => reject(new Error(`http fixture exited before listening: ${seen}`)));
  });
  const path = args.includes('--sse') ? '/sse' : '/mcp';
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    async stop() {
      child.kill('SIGKILL');
      await child;
    },
  };
}
