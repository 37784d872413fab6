// Drives the real gateway (the built CLI, as a child process) with the SDK's real Client over real
// stdio pipes and real HTTP sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/mcp-warden.js');
export const FIXTURES = join(ROOT, 'test/fixtures');
export const fixture = (name: string) => join(FIXTURES, name);
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

/** A fresh directory with `gateway.yaml` holding `yaml`; `{{dir}}` in the text becomes the directory. */
export function writeConfig(yaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-e2e-'));
  const file = join(dir, 'gateway.yaml');
  mkdirSync(join(dir, 'state'), { recursive: true });
  writeFileSync(file, yaml.replaceAll('{{dir}}', dir).replaceAll('{{fixtures}}', FIXTURES).replaceAll('{{root}}', ROOT));
  return { dir, file };
}

/** The environment gateways run with in tests: their own state dir, never CI's non-interactive guess. */
export function gatewayEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TERM', 'SHELL', 'USER']) if (process.env[key]) env[key] = process.env[key]!;
  return { ...env, MCP_WARDEN_STATE_DIR: join(dir, 'state'), MCP_WARDEN_CONSOLE_PORT: '0', ...extra };
}

export interface StdioConnection {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  pid: number;
  close(): Promise<void>;
}

/** Starts `mcp-warden serve --agent` and connects a real SDK client over its stdio. */
export async function connectStdio(
  config: { dir: string; file: string },
  agent: string,
  options: { env?: Record<string, string>; capabilities?: ClientCapabilities; args?: string[]; setup?: (client: Client) => void } = {},
): Promise<StdioConnection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'serve', '--config', config.file, '--agent', agent, ...(options.args ?? [])],
    env: gatewayEnv(config.dir, options.env),
    cwd: config.dir,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'e2e-client', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  options.setup?.(client);
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, pid: transport.pid!, close: () => client.close() };
}

export interface HttpGateway {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `mcp-warden serve --http 127.0.0.1:0` and waits for it to say where it listens. */
export async function startHttpGateway(config: { dir: string; file: string }, options: { env?: Record<string, string>; args?: string[] } = {}): Promise<HttpGateway> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config.file, '--http', '127.0.0.1:0', ...(options.args ?? [])], {
    cwd: config.dir,
    env: gatewayEnv(config.dir, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** A real SDK client over Streamable HTTP with a bearer token. */
export async function connectHttp(url: string, token: string, options: { capabilities?: ClientCapabilities; setup?: (client: Client) => void } = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'e2e-http-client', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  options.setup?.(client);
  await client.connect(transport);
  return client;
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((item) => item.text ?? '').join('\n');
}

/** Polls until `check` passes or the deadline passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in time');
}

/** True while a process with `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
