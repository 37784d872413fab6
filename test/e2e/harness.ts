// Drives the real gateway (the built CLI, as a child process) with the SDK's real Client over real
// stdio pipes and real HTTP sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Ticket, TicketAnswer } from '../../src/approval/types.js';
import type { AuditRecord } from '../../src/audit/types.js';

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

/**
 * The gateway's stderr as a person reads it: each JSON log line (the default when stderr is not a
 * terminal, as here) as `mcp-warden: <msg>`, the form these lines had before the log was JSON;
 * anything else (upstream stderr, start-up text) as it is.
 */
export function readableStderr(raw: string): string {
  return raw.replace(/^\{.*\}$/gm, (line) => {
    try {
      const entry = JSON.parse(line) as { msg?: unknown; level?: unknown };
      return typeof entry.msg === 'string' && typeof entry.level === 'string' ? `mcp-warden: ${entry.msg}` : line;
    } catch {
      return line;
    }
  });
}

/** The JSON log lines of a gateway's stderr, parsed. */
export function logLines(raw: string): Array<Record<string, unknown> & { level: string; msg: string }> {
  return raw
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { level: string; msg: string })
    .filter((entry) => typeof entry.level === 'string' && typeof entry.msg === 'string');
}

export interface StdioConnection {
  client: Client;
  transport: StdioClientTransport;
  /** Stderr with log lines as text (see readableStderr). */
  stderr: () => string;
  /** Stderr as written: JSON log lines. */
  rawStderr: () => string;
  pid: number;
  close(): Promise<void>;
}

/** Starts `mcp-warden serve --agent` and connects a real SDK client over its stdio. */
export async function connectStdio(
  config: { dir: string; file: string },
  agent: string,
  options: { env?: Record<string, string>; capabilities?: ClientCapabilities; args?: string[]; cwd?: string; clientInfo?: { name: string; version: string }; setup?: (client: Client) => void } = {},
): Promise<StdioConnection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'serve', '--config', config.file, '--agent', agent, ...(options.args ?? [])],
    env: gatewayEnv(config.dir, options.env),
    cwd: options.cwd ?? config.dir,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client(options.clientInfo ?? { name: 'e2e-client', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  options.setup?.(client);
  await client.connect(transport);
  return { client, transport, stderr: () => readableStderr(stderr), rawStderr: () => stderr, pid: transport.pid!, close: () => client.close() };
}

export interface HttpGateway {
  url: string;
  child: ChildProcess;
  /** Stderr with log lines as text (see readableStderr). */
  stderr: () => string;
  /** Stderr as written: JSON log lines. */
  rawStderr: () => string;
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
    child.stderr.on('data', (chunk: Buffer) => {
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
    stderr: () => readableStderr(stderr),
    rawStderr: () => stderr,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        // A child already ended by a signal has no exit code, and will not exit again.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
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

/** A ticket as the shared approvals directory holds it: the ticket file with its answer file, if any. */
export type StoredTicket = Pick<Ticket, 'id' | 'agent' | 'session' | 'environment' | 'server' | 'tool' | 'arguments' | 'argumentsSha256' | 'reasons' | 'createdAt' | 'expiresAt' | 'state'> & {
  answer?: TicketAnswer & { at: number };
};

/** The approvals directory of a test config's state dir (what `gatewayEnv` points gateways at). */
export function approvalsDirOf(dir: string): string {
  return join(dir, 'state', 'approvals');
}

/** Every ticket in the config's approvals directory, oldest first, read straight from the files. */
/** Matches the pending ticket of the write_note call for `path`. */
export function pendingFor(path: string): (ticket: StoredTicket) => boolean {
  return (ticket) => ticket.state === 'pending' && ticket.arguments.path === path;
}

/** A JSON-RPC message read off the wire by hand, with the fields the tests look at. */
export interface WireMessage {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: { [key: string]: unknown; progressToken?: string | number; message?: string };
  result?: { [key: string]: unknown; content?: Array<{ type: string; text: string }>; isError?: boolean };
  error?: { code: number; message: string; data?: unknown };
}

/** An audit record as read back from the file: the arguments of a call are a JSON object. */
export type AuditLine = Omit<AuditRecord, 'args'> & { args?: Record<string, unknown> };

/** The records a gateway has written to `<dir>/audit.jsonl` so far; none before the file exists. */
export function readAudit<T = AuditLine>(dir: string): T[] {
  try {
    return readFileSync(join(dir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
  } catch {
    return [];
  }
}

export function readTickets(dir: string): StoredTicket[] {
  const folder = approvalsDirOf(dir);
  if (!existsSync(folder)) return [];
  const tickets: StoredTicket[] = [];
  for (const name of readdirSync(folder)) {
    const id = /^([a-z2-7]{26})\.json$/.exec(name)?.[1];
    if (!id) continue;
    const ticket = readJson(join(folder, name)) as Omit<StoredTicket, 'state' | 'answer'> | undefined;
    if (!ticket) continue;
    const answer = readJson(join(folder, `${id}.answer.json`)) as StoredTicket['answer'];
    tickets.push({ ...ticket, state: (answer?.state as StoredTicket['state']) ?? 'pending', ...(answer ? { answer } : {}) });
  }
  return tickets.sort((a, b) => a.createdAt - b.createdAt);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Polls the approvals directory until a ticket matches (default: any pending one). */
export async function waitForTicket(
  dir: string,
  match: (ticket: StoredTicket) => boolean = (ticket) => ticket.state === 'pending',
  timeoutMs = 15_000,
): Promise<StoredTicket> {
  let found: StoredTicket | undefined;
  await eventually(() => (found = readTickets(dir).find(match)) !== undefined, timeoutMs).catch(() => {
    throw new Error(`No matching ticket within ${timeoutMs} ms; tickets: ${JSON.stringify(readTickets(dir), null, 2)}`);
  });
  return found!;
}

/** Runs the built CLI (`mcp-warden ARGS`) with the config's state dir; never throws for a non-zero exit. */
export function runWarden(dir: string, args: string[], options: { env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: gatewayEnv(dir, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Waits for the `approval console: URL` line a gateway prints and returns the login URL (with ?token=). */
export async function consoleLoginUrl(stderr: () => string, timeoutMs = 15_000): Promise<string> {
  let url: string | undefined;
  await eventually(() => (url = /approval console: (\S+\?token=\S+)/.exec(stderr())?.[1]) !== undefined, timeoutMs).catch(() => {
    throw new Error(`The gateway printed no approval console URL:\n${stderr()}`);
  });
  return url!;
}

/** `gateway.yaml:LINE:COLUMN` of the first `needle` on a line of `yaml` that contains `lineWith` (how reasons cite rules). */
export function sourceIn(yaml: string, lineWith: string, needle: string): string {
  const lines = yaml.split('\n');
  const index = lines.findIndex((line) => line.includes(lineWith) && line.includes(needle));
  if (index < 0) throw new Error(`No line with "${lineWith}" and "${needle}"`);
  return `gateway.yaml:${index + 1}:${lines[index]!.indexOf(needle) + 1}`;
}
