// The Streamable HTTP front end to end: tokens name agents, sessions are bound to their agent,
// Host/Origin are checked, bodies are capped, bad input gets a clear error, and the gateway keeps
// serving other sessions throughout.
import { request as httpRequest } from 'node:http';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { BIN, connectHttp, gatewayEnv, startHttpGateway, textOf, writeConfig, type HttpGateway } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo, add, slow]
agents:
  alice:
    allow: ["echo/*"]
    token: token-alice
  bob:
    allow: ["echo/echo"]
    token: token-bob
http: { max_body: 1mb }
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
`;

let gateway: HttpGateway;
let alice: Client;
let base: string;

beforeAll(async () => {
  const config = writeConfig(CONFIG);
  gateway = await startHttpGateway(config);
  base = gateway.url.replace(/\/mcp$/, '');
  alice = await connectHttp(gateway.url, 'token-alice');
});
afterAll(async () => {
  await alice?.close();
  await gateway?.stop();
});

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(gateway.url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function rawSession(token: string): Promise<string> {
  const response = await post(INIT, { Authorization: `Bearer ${token}` });
  expect(response.status).toBe(200);
  await response.text();
  const id = response.headers.get('mcp-session-id')!;
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { Authorization: `Bearer ${token}`, 'Mcp-Session-Id': id });
  return id;
}

function rawHttp(options: { headers: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  const url = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(options.body ?? JSON.stringify(INIT));
  });
}

test('/healthz answers without auth', async () => {
  const response = await fetch(`${base}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok' });
});

test.each([
  ['no token', {}],
  ['a wrong token', { Authorization: 'Bearer token-mallory' }],
  ['a token prefix', { Authorization: 'Bearer token-alic' }],
  ['basic auth', { Authorization: 'Basic dG9rZW4tYWxpY2U=' }],
])('%s gets 401', async (_label, headers) => {
  const response = await post(INIT, headers);
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
});

test('a foreign Origin gets 403, a loopback one is fine', async () => {
  expect((await post(INIT, { Authorization: 'Bearer token-alice', Origin: 'https://evil.example' })).status).toBe(403);
  const ok = await post(INIT, { Authorization: 'Bearer token-alice', Origin: 'http://localhost:3000' });
  expect(ok.status).toBe(200);
  await ok.text();
});

test('a foreign Host (DNS rebinding) gets 403', async () => {
  const response = await rawHttp({ headers: { ...HEADERS, Host: 'evil.example:8787', Authorization: 'Bearer token-alice' } });
  expect(response.status).toBe(403);
});

test('malformed JSON gets a JSON-RPC parse error', async () => {
  const response = await post('{"jsonrpc": "2.0", "id": 1, "method": ', { Authorization: 'Bearer token-alice' });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32700);
});

test('a request before initialize gets 400', async () => {
  const response = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { Authorization: 'Bearer token-alice' });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/initialize/);
});

test('an unknown session id gets 404', async () => {
  const response = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { Authorization: 'Bearer token-alice', 'Mcp-Session-Id': 'no-such-session' });
  expect(response.status).toBe(404);
});

test("a session used with another agent's token gets 404", async () => {
  const id = await rawSession('token-alice');
  const stolen = await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { Authorization: 'Bearer token-bob', 'Mcp-Session-Id': id });
  expect(stolen.status).toBe(404);
  const own = await post({ jsonrpc: '2.0', id: 4, method: 'tools/list' }, { Authorization: 'Bearer token-alice', 'Mcp-Session-Id': id });
  expect(own.status).toBe(200);
  expect(await own.text()).toContain('echo_echo');
});

test('an unknown method gets method-not-found', async () => {
  const id = await rawSession('token-alice');
  const response = await post({ jsonrpc: '2.0', id: 5, method: 'tools/explode' }, { Authorization: 'Bearer token-alice', 'Mcp-Session-Id': id });
  expect(await response.text()).toContain('-32601');
});

test('a body over the cap gets 413, declared or streamed', async () => {
  const declared = await rawHttp({ headers: { ...HEADERS, Authorization: 'Bearer token-alice', 'Content-Length': String(100 * 1024 * 1024) }, body: '' }).catch((error) => ({ status: 0, body: String(error) }));
  expect([413, 0]).toContain(declared.status);
  const big = JSON.stringify({ ...INIT, params: { ...INIT.params, padding: 'x'.repeat(2 * 1024 * 1024) } });
  // The gateway may reset the connection mid-upload instead of answering 413; both are a refusal.
  const streamed = await post(big, { Authorization: 'Bearer token-alice' }).catch(() => undefined);
  if (streamed) expect(streamed.status).toBe(413);
});

test('a 100 MB body is refused without the gateway buffering it', async () => {
  const url = new URL(gateway.url);
  const status = await new Promise<number>((resolve) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { ...HEADERS, Authorization: 'Bearer token-alice' } }, (res) => resolve(res.statusCode!));
    req.on('error', () => resolve(-1));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 100 && req.write(chunk)) sent += 1;
      if (sent < 100) req.once('drain', () => ((sent += 1), pump()));
      else req.end();
    };
    pump();
  });
  expect([413, -1]).toContain(status);
  // Still serving.
  expect(textOf(await alice.callTool({ name: 'echo_echo', arguments: { text: 'still here' } }))).toContain('still here');
});

test('a duplicate in-flight request id is refused and the first call still completes', async () => {
  const id = await rawSession('token-alice');
  const headers = { Authorization: 'Bearer token-alice', 'Mcp-Session-Id': id };
  const call = { jsonrpc: '2.0', id: 77, method: 'tools/call', params: { name: 'echo_slow', arguments: { ms: 600, steps: 1 } } };
  const first = post(call, headers);
  await new Promise((resolve) => setTimeout(resolve, 150));
  const second = await post(call, headers);
  expect(second.status).toBe(409);
  expect(((await second.json()) as { error: { message: string } }).error.message).toMatch(/Duplicate request id/);
  const firstResponse = await first;
  expect(firstResponse.status).toBe(200);
  expect(await firstResponse.text()).toContain('"id":77');
});

test('agents see their own profiles through one gateway', async () => {
  const bob = await connectHttp(gateway.url, 'token-bob');
  try {
    expect((await bob.listTools()).tools.map((tool) => tool.name)).toEqual(['echo_echo']);
    expect((await alice.listTools()).tools.map((tool) => tool.name)).toContain('echo_add');
    await expect(bob.callTool({ name: 'echo_add', arguments: { a: 1, b: 2 } })).rejects.toThrow(/Unknown tool/);
    expect(textOf(await alice.callTool({ name: 'echo_add', arguments: { a: 1, b: 2 } }))).toContain('3');
  } finally {
    await bob.close();
  }
});

test('the gateway refuses to listen beyond loopback while an agent has no token', () => {
  const config = writeConfig(`
servers:
  echo: { command: node, args: ["{{fixtures}}/echo-server.mjs"] }
agents:
  tokened: { allow: ["echo/*"], token: t1 }
  open: { allow: ["echo/*"] }
`);
  const run = spawnSync(process.execPath, [BIN, 'serve', '--config', config.file, '--http', '0.0.0.0:0'], { env: gatewayEnv(config.dir), encoding: 'utf8', timeout: 20_000 });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('Refusing to listen on "0.0.0.0": agent "open" has no token');
});
