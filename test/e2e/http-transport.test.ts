// The Streamable HTTP transport as a raw client sees it over a real socket: a lone answer is plain
// JSON, an answer preceded by progress is an SSE stream, notifications get 202, one GET stream per
// session carries list_changed, DELETE ends the session, and requests the spec forbids are refused
// with the status the spec names. tools/call parameters are checked before anything reaches an upstream.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readAudit, startHttpGateway, writeConfig, type HttpGateway, type AuditLine, type WireMessage } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  alice:
    allow: ["echo/*"]
    token: token-alice
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
# These tests open more than the 16 sessions an agent may hold and never end them: let the newest
# take the place of any session not in use, however recently it was used.
http: { session_evict_after: 0s }
`;

const AUTH = { Authorization: 'Bearer token-alice' };
const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...AUTH };
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

let gateway: HttpGateway;
let configDir: string;

beforeAll(async () => {
  const config = writeConfig(CONFIG);
  configDir = config.dir;
  gateway = await startHttpGateway(config);
});

function auditRecords(): AuditLine[] {
  return readAudit(configDir);
}
afterAll(async () => {
  await gateway?.stop();
});

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(gateway.url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function session(): Promise<string> {
  const response = await post(INIT);
  expect(response.status).toBe(200);
  await response.text();
  const id = response.headers.get('mcp-session-id')!;
  expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'Mcp-Session-Id': id })).status).toBe(202);
  // The upstream may still be starting after initialize (it is not waited for long); as clients do,
  // list the tools, which waits for it, so the timings in the tests are their calls' own.
  await (await post({ jsonrpc: '2.0', id: 'warm-up', method: 'tools/list' }, { 'Mcp-Session-Id': id })).text();
  return id;
}

/** The JSON-RPC messages of an SSE body, in order. */
function events(body: string): WireMessage[] {
  return body
    .split('\n\n')
    .map((block) => block.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice(6)) as WireMessage);
}

function call(id: number, name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } };
}

async function callCount(sid: string): Promise<number> {
  const response = await post(call(900 + Math.floor(Math.random() * 1000), 'echo_stats'), { 'Mcp-Session-Id': sid });
  const body = (await response.json()) as { result: { content: Array<{ text: string }> } };
  return (JSON.parse(body.result.content[0]!.text) as { calls: number }).calls;
}

async function cancelledCount(sid: string): Promise<number> {
  const response = await post(call(2000 + Math.floor(Math.random() * 100_000), 'echo_stats'), { 'Mcp-Session-Id': sid });
  const body = (await response.json()) as { result: { content: Array<{ text: string }> } };
  return (JSON.parse(body.result.content[0]!.text) as { cancelled: number }).cancelled;
}

test('initialize and a lone answer are plain JSON with the session id', async () => {
  const init = await post(INIT);
  expect(init.status).toBe(200);
  expect(init.headers.get('content-type')).toBe('application/json');
  const sid = init.headers.get('mcp-session-id');
  expect(sid).toMatch(/^[0-9a-f-]{36}$/);
  expect(((await init.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name).toBe('mcp-warden');

  const response = await post(call(2, 'echo_echo', { text: 'hi' }), { 'Mcp-Session-Id': sid! });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('mcp-session-id')).toBe(sid);
  expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'hi' }] } });
});

test('an answer preceded by progress switches to SSE: progress under the agent\'s token, then the result, then the end', async () => {
  const sid = await session();
  const response = await post(call(3, 'echo_slow', { ms: 60, steps: 3 }, { progressToken: 'agent-token-7' }), { 'Mcp-Session-Id': sid });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const messages = events(await response.text()); // resolves only once the stream ends
  expect(messages.map((m) => m.method ?? 'result')).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress', 'result']);
  expect(messages.slice(0, 3).map((m) => m.params?.progressToken)).toEqual(['agent-token-7', 'agent-token-7', 'agent-token-7']);
  expect(messages[3]).toMatchObject({ id: 3, result: { content: [{ type: 'text', text: 'done after 3 steps' }] } });
});

test('a batch of two requests is answered on one SSE stream that ends after both', async () => {
  const sid = await session();
  const response = await post([call(4, 'echo_echo', { text: 'a' }), call(5, 'echo_add', { a: 2, b: 3 })], { 'Mcp-Session-Id': sid });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const messages = events(await response.text());
  expect(messages.map((m) => m.id).sort()).toEqual([4, 5]);
  expect(messages.find((m) => m.id === 5)!.result!.content![0]!.text).toBe('5');
});

test('a POST of notifications only gets 202 and no body', async () => {
  const sid = await session();
  const response = await post({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, { 'Mcp-Session-Id': sid });
  expect(response.status).toBe(202);
  expect(await response.text()).toBe('');
});

test('one GET stream per session carries list_changed; a second GET gets 409', async () => {
  const sid = await session();
  const url = new URL(gateway.url);
  const received: string[] = [];
  const stream = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/mcp', method: 'GET', headers: { ...AUTH, Accept: 'text/event-stream', 'Mcp-Session-Id': sid } }, resolve);
    req.on('error', reject);
    req.end();
  });
  try {
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    stream.on('data', (chunk: Buffer) => received.push(chunk.toString()));

    const second = await fetch(gateway.url, { headers: { ...AUTH, Accept: 'text/event-stream', 'Mcp-Session-Id': sid } });
    expect(second.status).toBe(409);

    const added = await post(call(6, 'echo_add_tool', { name: 'late' }), { 'Mcp-Session-Id': sid });
    expect(added.status).toBe(200);
    await added.text();
    await expect.poll(() => events(received.join('')).map((m) => m.method)).toContain('notifications/tools/list_changed');
  } finally {
    stream.destroy();
  }
});

test('DELETE ends the session; it is unknown afterwards', async () => {
  const sid = await session();
  const deleted = await fetch(gateway.url, { method: 'DELETE', headers: { ...AUTH, 'Mcp-Session-Id': sid } });
  expect(deleted.status).toBe(200);
  const after = await post(call(7, 'echo_echo', { text: 'x' }), { 'Mcp-Session-Id': sid });
  expect(after.status).toBe(404);
});

test.each([
  ['an Accept without SSE', INIT, { Accept: 'application/json' }, 406, -32600],
  ['a GET without SSE in Accept', undefined, { Accept: 'application/json' }, 406, -32600],
  ['a Content-Type that is not JSON', INIT, { 'Content-Type': 'text/plain' }, 415, -32600],
  ['an unsupported protocol version', INIT, { 'Mcp-Protocol-Version': '1999-01-01' }, 400, -32600],
  ['an empty batch', [], {}, 400, -32600],
  ['a batch of 101 messages', Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', method: 'notifications/x', params: { i } })), {}, 400, -32600],
  ['an object that is not JSON-RPC', { hello: 'world' }, {}, 400, -32600],
  ['a request whose params are an array', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: ['echo_echo'] }, {}, 400, -32600],
  ['a tools/call whose _meta is a string', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo_echo', _meta: 'progress' } }, {}, 400, -32600],
  ['a tools/call whose progress token is an object', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo_echo', _meta: { progressToken: {} } } }, {}, 400, -32600],
  ['JSON-RPC 1.0', { id: 1, method: 'initialize', params: {} }, {}, 400, -32600],
  ['initialize batched with another request', [INIT, { jsonrpc: '2.0', id: 2, method: 'tools/list' }], {}, 400, -32600],
  ['initialize with params that are not an object', { jsonrpc: '2.0', id: 1, method: 'initialize', params: [] }, {}, 400, -32600],
])('%s is refused with %#', async (_label, body, headers, status, code) => {
  const response =
    body === undefined
      ? await fetch(gateway.url, { headers: { ...AUTH, ...headers } })
      : await post(body, headers);
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: { code: number } }).error.code).toBe(code);
});

test('re-initializing a session, and a duplicate id inside one batch, are refused', async () => {
  const sid = await session();
  const again = await post(INIT, { 'Mcp-Session-Id': sid });
  expect(again.status).toBe(400);
  const duplicate = await post([call(8, 'echo_echo', { text: 'a' }), call(8, 'echo_echo', { text: 'b' })], { 'Mcp-Session-Id': sid });
  expect(duplicate.status).toBe(409);
});

test.each([
  ['no params', undefined],
  ['no name', { arguments: { text: 'x' } }],
  ['a numeric name', { name: 7, arguments: {} }],
  ['a name that is an object', { name: { toString: 'echo_echo' }, arguments: {} }],
  ['arguments that are an array', { name: 'echo_echo', arguments: ['x'] }],
  ['arguments that are a string', { name: 'echo_echo', arguments: 'text=x' }],
])('a tools/call with %s is refused as invalid params and reaches no upstream', async (_label, params) => {
  const sid = await session();
  const before = await callCount(sid);
  const response = await post({ jsonrpc: '2.0', id: 10, method: 'tools/call', ...(params !== undefined ? { params } : {}) }, { 'Mcp-Session-Id': sid });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { error?: { code: number; message: string } };
  expect(body.error?.code).toBe(-32602);
  // stats does not count itself: nothing else reached the upstream.
  expect(await callCount(sid)).toBe(before);
});

// Regressions found by review of this transport; each was a hang, a crash or a crossed answer.

test('a cancelled call gets no answer, and its POST ends instead of hanging; the upstream sees the cancel', async () => {
  const sid = await session();
  const started = Date.now();
  const pending = post(call(30, 'echo_slow', { ms: 3000, steps: 3 }), { 'Mcp-Session-Id': sid });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cancel = await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 30, reason: 'user' } }, { 'Mcp-Session-Id': sid });
  expect(cancel.status).toBe(202);
  const response = await pending;
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  expect(events(await response.text())).toEqual([]);
  expect(Date.now() - started).toBeLessThan(2500);
  // Audited as the agent's choice, not as a failure.
  await expect.poll(() => auditRecords().filter((r) => r.session === sid && r.tool === 'echo/slow').map((r) => r.outcome)).toEqual(['cancelled']);
  // The id is free again once cancelled.
  const again = await post(call(30, 'echo_echo', { text: 'reused' }), { 'Mcp-Session-Id': sid });
  expect(((await again.json()) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text).toBe('reused');
});

test('a request (with an id) named notifications/cancelled is method-not-found and cancels nothing', async () => {
  const sid = await session();
  const slow = post(call(10, 'echo_slow', { ms: 300 }), { 'Mcp-Session-Id': sid });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const bogus = await post({ jsonrpc: '2.0', id: 11, method: 'notifications/cancelled', params: { requestId: 10 } }, { 'Mcp-Session-Id': sid });
  expect(((await bogus.json()) as { error: { code: number } }).error.code).toBe(-32601);
  expect(((await (await slow).json()) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text).toBe('done after 1 steps');
});

test('an id stays taken after its client hangs up, until the answer is dropped: no crossed answers', async () => {
  const sid = await session();
  const first = new AbortController();
  // Aborted on purpose below: its rejection is the expected end of this request.
  const hungUp = fetch(gateway.url, {
    method: 'POST',
    headers: { ...HEADERS, 'Mcp-Session-Id': sid },
    body: JSON.stringify(call(21, 'echo_slow', { ms: 600 })),
    signal: first.signal,
  }).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 100));
  first.abort();
  await hungUp;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const reuse = await post(call(21, 'echo_echo', { text: 'mine' }), { 'Mcp-Session-Id': sid });
  expect(reuse.status).toBe(409);
  await reuse.text();
  // Once the first call's answer has come (and been dropped), the id may be used again.
  await new Promise((resolve) => setTimeout(resolve, 800));
  const later = await post(call(21, 'echo_echo', { text: 'mine' }), { 'Mcp-Session-Id': sid });
  expect(((await later.json()) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text).toBe('mine');
});

test('ids beyond 2^53 are refused at once instead of hanging in the SDK', async () => {
  const sid = await session();
  for (const body of [
    '{"jsonrpc":"2.0","id":1e20,"method":"tools/list"}',
    `{"jsonrpc":"2.0","id":${2 ** 53},"method":"tools/list"}`,
    `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"progressToken":${2 ** 60}}}}`,
  ]) {
    const response = await post(body, { 'Mcp-Session-Id': sid });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32600);
  }
});

test('a client that gives up on initialize while upstreams start leaves no session behind', async () => {
  const slow = await startHttpGateway(
    writeConfig(`
servers:
  echo:
    command: node
    args: ["{{fixtures}}/slow-start-server.mjs"]
agents:
  alice:
    allow: ["echo/*"]
    token: token-alice
`),
  );
  try {
    const attempts = Array.from({ length: 3 }, async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      // Aborted on purpose: the rejection is the point of these attempts.
      await fetch(slow.url, { method: 'POST', headers: HEADERS, body: JSON.stringify(INIT), signal: controller.signal }).catch(() => undefined);
    });
    await Promise.all(attempts);
    const health = () => fetch(slow.url.replace(/\/mcp$/, '/healthz')).then((r) => r.json() as Promise<{ sessions: number }>);
    // The sessions were being opened when the clients left; once opened, each is closed at once.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await health()).sessions).toBe(0);
  } finally {
    await slow.stop();
  }
});

test('a cancel whose reason is not a string still cancels: the POST ends without an answer, the upstream sees it, and the id is free for its own answer', async () => {
  const sid = await session();
  const before = await cancelledCount(sid);
  const read = post({ jsonrpc: '2.0', id: 7, method: 'resources/read', params: { uri: 'fixture://slow/600' } }, { 'Mcp-Session-Id': sid });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await (await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 42 } }, { 'Mcp-Session-Id': sid })).text();
  expect(events(await (await read).text())).toEqual([]);
  const reuse = await post(call(7, 'echo_echo', { text: 'mine' }), { 'Mcp-Session-Id': sid });
  expect(((await reuse.json()) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text).toBe('mine');
  await expect.poll(() => cancelledCount(sid)).toBe(before + 1);
  // The slow read's late answer, had it been sent, would have come by now: nothing crossed.
  await new Promise((resolve) => setTimeout(resolve, 700));
  const again = await post(call(7, 'echo_echo', { text: 'again' }), { 'Mcp-Session-Id': sid });
  expect(((await again.json()) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text).toBe('again');
});

test('a proper cancel of a passed-through request ends its POST, reaches the upstream, and frees the id', async () => {
  const sid = await session();
  const before = await cancelledCount(sid);
  const read = post({ jsonrpc: '2.0', id: 8, method: 'resources/read', params: { uri: 'fixture://slow/3000' } }, { 'Mcp-Session-Id': sid });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await (await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 8, reason: 'user' } }, { 'Mcp-Session-Id': sid })).text();
  const response = await read;
  expect(events(await response.text())).toEqual([]);
  const reused = await post(call(8, 'echo_echo', { text: 'eight' }), { 'Mcp-Session-Id': sid });
  expect(((await reused.json()) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text).toBe('eight');
  await expect.poll(() => cancelledCount(sid)).toBe(before + 1);
});

test("an upstream's question for a call whose client hung up goes on the session's GET stream, and the call completes", async () => {
  const init = await post({ ...INIT, params: { ...INIT.params, capabilities: { elicitation: {} } } });
  const sid = init.headers.get('mcp-session-id')!;
  await init.text();
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'Mcp-Session-Id': sid })).text();
  const url = new URL(gateway.url);
  let received = '';
  const stream = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/mcp', method: 'GET', headers: { ...AUTH, Accept: 'text/event-stream', 'Mcp-Session-Id': sid } }, resolve);
    req.on('error', reject);
    req.end();
  });
  try {
    stream.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const hangUp = new AbortController();
    // Aborted on purpose below: its rejection is the expected end of this request.
    const asked = fetch(gateway.url, {
      method: 'POST',
      headers: { ...HEADERS, 'Mcp-Session-Id': sid },
      body: JSON.stringify(call(40, 'echo_ask_user', { question: 'still there?', delay_ms: 400 })),
      signal: hangUp.signal,
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    hangUp.abort();
    await asked;
    await expect.poll(() => events(received).find((m) => m.method === 'elicitation/create')?.params?.message, { timeout: 5_000 }).toBe('[server "echo"] still there?');
    const question = events(received).find((m) => m.method === 'elicitation/create')!;
    const answered = await post({ jsonrpc: '2.0', id: question.id, result: { action: 'accept', content: { name: 'yes' } } }, { 'Mcp-Session-Id': sid });
    expect(answered.status).toBe(202);
    await expect.poll(() => auditRecords().filter((r) => r.session === sid && r.tool === 'echo/ask_user').map((r) => r.outcome)).toEqual(['ok']);
  } finally {
    stream.destroy();
  }
});
