// Attacks on the Streamable HTTP front of the built CLI: tokens, sessions of other agents, Host and
// Origin tricks (DNS rebinding), body size, requests before initialize, batches, and the approval
// console mounted on the same port.
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectHttp, fixture, startHttpGateway, writeConfig, type HttpGateway } from '../e2e/harness.js';

const TOKEN_A = 'token-of-agent-a-0123456789';
const TOKEN_B = 'token-of-agent-b-9876543210';

let gateway: HttpGateway;
let port: number;
let dir: string;

beforeAll(async () => {
  const config = writeConfig(`
servers:
  echo: { command: node, args: [${fixture('echo-server.mjs')}], readonly: [echo] }
agents:
  alice: { allow: ["echo/*"], ask: ["echo/write_note"], token: ${TOKEN_A} }
  bob: { allow: ["echo/echo"], token: ${TOKEN_B} }
approval:
  channels: [console]
  timeout: 20s
http:
  max_body: 4kb
`);
  dir = config.dir;
  gateway = await startHttpGateway(config);
  port = Number(new URL(gateway.url).port);
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/mcp',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function openRawSession(token: string): Promise<string> {
  const res = await raw({ headers: bearer(token), body: JSON.stringify(INIT) });
  expect(res.status).toBe(200);
  return res.headers['mcp-session-id'] as string;
}

// ---------------------------------------------------------------------------------------------
// Tokens and sessions
// ---------------------------------------------------------------------------------------------

for (const [label, headers] of [
  ['no Authorization', {}],
  ['an unknown token', bearer('nope')],
  ['a token prefix', bearer(TOKEN_A.slice(0, -1))],
  ['a token with a suffix', bearer(`${TOKEN_A}x`)],
  ['Basic auth with the token', { authorization: `Basic ${Buffer.from(`alice:${TOKEN_A}`).toString('base64')}` }],
  ['the token without "Bearer"', { authorization: TOKEN_A }],
  ['two tokens', { authorization: `Bearer ${TOKEN_B} ${TOKEN_A}` }],
] as Array<[string, Record<string, string>]>) {
  test(`HTTP front: initialize with ${label} is 401`, async () => {
    const res = await raw({ headers, body: JSON.stringify(INIT) });
    expect(res.status).toBe(401);
  });
}

test("HTTP front: agent bob cannot use agent alice's session (404), nor call her tools through it", async () => {
  const session = await openRawSession(TOKEN_A);
  const call = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo_add', arguments: { a: 1, b: 2 } } };
  const res = await raw({ headers: { ...bearer(TOKEN_B), 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }, body: JSON.stringify(call) });
  expect(res.status).toBe(404);
  const del = await raw({ method: 'DELETE', headers: { ...bearer(TOKEN_B), 'mcp-session-id': session } });
  expect(del.status).toBe(404);
  const get = await raw({ method: 'GET', headers: { ...bearer(TOKEN_B), 'mcp-session-id': session } });
  expect(get.status).toBe(404);
});

test("HTTP front: bob sees only bob's tools, and alice's tool is unknown to him", async () => {
  const client = await connectHttp(gateway.url, TOKEN_B);
  const names = (await client.listTools()).tools.map((tool) => tool.name);
  expect(names).toEqual(['echo_echo']);
  await expect(client.callTool({ name: 'echo_add', arguments: { a: 1, b: 2 } })).rejects.toThrow(/Unknown tool/);
  await client.close();
});

test('HTTP front: a made-up session id is 404, not a new session', async () => {
  const res = await raw({ headers: { ...bearer(TOKEN_A), 'mcp-session-id': '00000000-0000-0000-0000-000000000000' }, body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }) });
  expect(res.status).toBe(404);
});

test('HTTP front: a tools/call before initialize is refused (400)', async () => {
  const res = await raw({ headers: bearer(TOKEN_A), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo_write_note', arguments: { path: 'x', text: 'y' } } }) });
  expect(res.status).toBe(400);
});

test('HTTP front: a batch of initialize plus tools/call is refused and opens no session', async () => {
  const batch = [INIT, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo_write_note', arguments: { path: 'x', text: 'y' } } }];
  const res = await raw({ headers: bearer(TOKEN_A), body: JSON.stringify(batch) });
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.body).not.toContain('would write');
});

test('HTTP front: a body over http.max_body is 413', async () => {
  const res = await raw({ headers: bearer(TOKEN_A), body: JSON.stringify({ ...INIT, pad: 'x'.repeat(8 * 1024) }) });
  expect(res.status).toBe(413);
});

test('HTTP front: a body that lies about its Content-Length is still capped', async () => {
  const big = JSON.stringify({ ...INIT, pad: 'x'.repeat(8 * 1024) });
  const res = await raw({ headers: { ...bearer(TOKEN_A), 'transfer-encoding': 'chunked' }, body: big }).catch(() => ({ status: 413 }) as Raw);
  expect(res.status).toBe(413);
});

test('HTTP front: malformed JSON is a 400 parse error', async () => {
  const res = await raw({ headers: bearer(TOKEN_A), body: '{"jsonrpc":"2.0",' });
  expect(res.status).toBe(400);
});

// ---------------------------------------------------------------------------------------------
// Host and Origin (DNS rebinding)
// ---------------------------------------------------------------------------------------------

for (const host of ['localhost.evil.com', '127.0.0.1.nip.io', 'evil.com', '0x7f.1', '2130706433', '[::ffff:127.0.0.1]', 'localhost.', '127.1', 'evil.com:80@127.0.0.1']) {
  test(`HTTP front: Host ${JSON.stringify(host)} is refused (403)`, async () => {
    const res = await raw({ headers: { ...bearer(TOKEN_A), host }, body: JSON.stringify(INIT) });
    expect(res.status).toBe(403);
  });
}

for (const origin of ['http://localhost.evil.com', 'http://evil.com', 'null', 'file://', 'http://127.0.0.1.evil.com', 'chrome-extension://abc']) {
  test(`HTTP front: Origin ${JSON.stringify(origin)} is refused (403)`, async () => {
    const res = await raw({ headers: { ...bearer(TOKEN_A), origin }, body: JSON.stringify(INIT) });
    expect(res.status).toBe(403);
  });
}

test('HTTP front: Host localhost and [::1] with a port are accepted', async () => {
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
    const res = await raw({ headers: { ...bearer(TOKEN_A), host }, body: JSON.stringify(INIT) });
    expect(res.status).toBe(200);
  }
});

// ---------------------------------------------------------------------------------------------
// The approval console on the same port: an agent must not be able to answer its own ask.
// ---------------------------------------------------------------------------------------------

async function aliceAsks(): Promise<{ id: string; pending: Promise<unknown>; close: () => Promise<void> }> {
  const client = await connectHttp(gateway.url, TOKEN_A);
  const pending = client.callTool({ name: 'echo_write_note', arguments: { path: 'a.txt', text: 'x' } }).catch((error: unknown) => error);
  const approvals = join(dir, 'state', 'approvals');
  let id: string | undefined;
  for (let i = 0; i < 200 && !id; i++) {
    const { readdirSync } = await import('node:fs');
    id = readdirSync(approvals)
      .filter((name) => /^[a-z2-7]{26}\.json$/.test(name))
      .map((name) => name.slice(0, -5))[0];
    if (!id) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(id).toBeDefined();
  return { id: id!, pending, close: () => client.close() };
}

test("HTTP front: an agent's own bearer token cannot approve its pending ticket through the console API", async () => {
  const ask = await aliceAsks();
  const res = await raw({ path: `/approvals/api/tickets/${ask.id}/approve`, headers: bearer(TOKEN_A), body: '{}' });
  expect(res.status).toBe(401);
  const list = await raw({ method: 'GET', path: '/approvals/api/tickets', headers: bearer(TOKEN_A) });
  expect(list.status).toBe(401);
  await ask.close();
});

test('HTTP front: the console refuses a cross-site approve even with the console token cookie (Origin check)', async () => {
  const ask = await aliceAsks();
  const token = readFileSync(join(dir, 'state', 'approvals', 'console-token'), 'utf8').trim();
  const cookie = (await raw({ method: 'GET', path: `/approvals?token=${token}` })).headers['set-cookie']?.[0]?.split(';')[0] ?? '';
  expect(cookie).toMatch(/^mcp_warden_approvals=/);
  const res = await raw({ path: `/approvals/api/tickets/${ask.id}/approve`, headers: { cookie, origin: 'http://evil.com' }, body: '{}' });
  expect(res.status).toBe(403);
  const form = await raw({ path: `/approvals/api/tickets/${ask.id}/approve`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }, body: 'remember=true' });
  expect(form.status).toBe(403);
  const simple = await raw({ path: `/approvals/api/tickets/${ask.id}/approve`, headers: { cookie, 'content-type': 'text/plain' }, body: '{"remember":true}' });
  expect(simple.status).toBe(415);
  await ask.close();
});
