// The per-agent session cap of the HTTP front, end to end: a session is evicted to make room for a
// new one only after it has gone unused for the quiet period (http.session_evict_after), never
// because it happens to have nothing in flight between two calls. The clients here open no GET
// stream (as raw HTTP clients and health checks do not), so nothing but their calls keeps them alive.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHttpFixture, type HttpFixture } from '../upstream/helpers.js';
import { startHttpGateway, writeConfig, type HttpGateway } from './harness.js';

const CAP = 16;
const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: 'Bearer tok-a' };

let upstream: HttpFixture;
const gateways: HttpGateway[] = [];

// One HTTP upstream for every session: seventeen sessions cost seventeen connections, not processes.
beforeAll(async () => {
  upstream = await startHttpFixture();
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await upstream?.stop();
});

async function gatewayWith(extra: string): Promise<HttpGateway> {
  const config = writeConfig(`
servers:
  echo: { url: "${upstream.url}" }
agents:
  a: { allow: ["echo/*"], token: tok-a }
environments:
  dev: { safety: full }
${extra}
`);
  const gateway = await startHttpGateway(config);
  gateways.push(gateway);
  return gateway;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  sessionId: string | null;
  /** The JSON-RPC response (from a JSON body or the SSE stream), if any. */
  message?: { result?: { content?: Array<{ text?: string }> }; error?: { message: string } };
}

async function post(gateway: HttpGateway, body: unknown, sessionId?: string): Promise<Answer> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { ...HEADERS, ...(sessionId ? { 'Mcp-Session-Id': sessionId } : {}) }, body: JSON.stringify(body) });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('text/event-stream')
    ? text.split('\n').filter((line) => line.startsWith('data:') && line.includes('"id"')).map((line) => line.slice(5)).pop()
    : text;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), sessionId: response.headers.get('mcp-session-id'), ...(json ? { message: JSON.parse(json) as Answer['message'] } : {}) };
}

async function initialize(gateway: HttpGateway): Promise<Answer> {
  const answer = await post(gateway, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cap', version: '1' } } });
  if (answer.status === 200) await post(gateway, { jsonrpc: '2.0', method: 'notifications/initialized' }, answer.sessionId!);
  return answer;
}

let callId = 1;
/** Calls echo_echo in session `id`; the echoed text, or the HTTP status when there is none. */
async function echo(gateway: HttpGateway, id: string, text: string): Promise<string | number> {
  const answer = await post(gateway, { jsonrpc: '2.0', id: (callId += 1), method: 'tools/call', params: { name: 'echo_echo', arguments: { text } } }, id);
  return answer.status === 200 ? (answer.message?.result?.content?.[0]?.text ?? JSON.stringify(answer.message)) : answer.status;
}

async function openSessions(gateway: HttpGateway, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await initialize(gateway);
    expect(answer.status).toBe(200);
    ids.push(answer.sessionId!);
  }
  return ids;
}

test('at the cap, a new session is refused with 429 and Retry-After while every session was used a moment ago; all keep working', async () => {
  const gateway = await gatewayWith('');
  const ids = await openSessions(gateway, CAP);
  // Each made a call and has nothing in flight now: between two calls, not abandoned.
  expect(await Promise.all(ids.map((id, i) => echo(gateway, id, `first ${i}`)))).toEqual(ids.map((_, i) => `first ${i}`));

  const refused = await initialize(gateway);
  expect(refused.status).toBe(429);
  expect(refused.sessionId).toBeNull();
  // The default quiet period is 60 s; the oldest-idle session was used less than that ago.
  expect(refused.retryAfter).toMatch(/^\d+$/);
  expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
  expect(refused.message?.error?.message).toMatch(/already has 16 sessions in use/);

  expect(await Promise.all(ids.map((id, i) => echo(gateway, id, `second ${i}`)))).toEqual(ids.map((_, i) => `second ${i}`));
});

test('with http.session_evict_after: 2s, the one session left quiet past it is evicted for the newcomer, and only that one', async () => {
  const gateway = await gatewayWith('http: { session_evict_after: 2s }');
  const ids = await openSessions(gateway, CAP);
  expect(await Promise.all(ids.map((id, i) => echo(gateway, id, `first ${i}`)))).toEqual(ids.map((_, i) => `first ${i}`));
  // Session 7 goes quiet; the others go on working after the quiet period has passed for it.
  const quiet = ids[7]!;
  const working = ids.filter((id) => id !== quiet);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(await Promise.all(working.map((id, i) => echo(gateway, id, `again ${i}`)))).toEqual(working.map((_, i) => `again ${i}`));

  const newcomer = await initialize(gateway);
  expect(newcomer.status).toBe(200);
  expect(await echo(gateway, quiet, 'still there?')).toBe(404);
  expect(await echo(gateway, newcomer.sessionId!, 'new')).toBe('new');
  expect(await Promise.all(working.map((id, i) => echo(gateway, id, `third ${i}`)))).toEqual(working.map((_, i) => `third ${i}`));

  // Nobody else has been quiet for 2 s: the next newcomer waits.
  const next = await initialize(gateway);
  expect(next.status).toBe(429);
  expect(Number(next.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(next.retryAfter)).toBeLessThanOrEqual(2);
});
