// Routing and the answers that need no session: /healthz without auth, Host/Origin before all
// else, 405 with Allow for other methods on /mcp, the extra handler, and 404 for any other path.
import { expect, test } from 'vitest';
import { TokenTable } from '../../../src/front/http-guard.js';
import { createRouter, type RouterOptions } from '../../../src/front/http/router.js';
import { errorResponder } from '../../../src/front/http/respond.js';
import type { HttpSessions } from '../../../src/front/http/sessions.js';
import { fakeContext } from './fake-http.js';

const sessions = { size: 3, get: () => undefined } as unknown as HttpSessions;

async function send(request: Parameters<typeof fakeContext>[0], extra?: RouterOptions['extraHandler']) {
  const route = createRouter({ tokens: new TokenTable({ alice: 'tok' }), sessions, allowedHosts: [], allowedOrigins: [], maxBodyBytes: 1024, ...(extra ? { extraHandler: extra } : {}) });
  const { ctx, sent } = fakeContext(request);
  try {
    await route(ctx)(ctx);
  } catch (error) {
    errorResponder(() => {})(ctx.res, error);
  }
  return { status: sent.status, headers: sent.headers, body: sent.body ? (JSON.parse(sent.body) as { error?: { message: string } }) : undefined };
}

const LOCAL = { host: 'localhost:8787' };

test('/healthz answers without auth, Host check or token, with the session count', async () => {
  expect(await send({ method: 'GET', url: '/healthz?probe=1', headers: { host: 'evil.example' } })).toEqual({ status: 200, headers: { 'Content-Type': 'application/json' }, body: { status: 'ok', sessions: 3 } });
});

test('the Host check comes before the token check on /mcp, and before 404 elsewhere', async () => {
  expect((await send({ headers: { host: 'evil.example' } })).status).toBe(403);
  expect((await send({ url: '/other', headers: { host: 'evil.example' } })).status).toBe(403);
  expect((await send({ headers: LOCAL })).status).toBe(401);
});

test.each(['PUT', 'PATCH', 'HEAD'])('%s on /mcp is 405 with Allow, once the agent is known', async (method) => {
  expect((await send({ method, headers: LOCAL })).status).toBe(401);
  const answer = await send({ method, headers: { ...LOCAL, authorization: 'Bearer tok' } });
  expect(answer.status).toBe(405);
  expect(answer.headers.Allow).toBe('GET, POST, DELETE');
  expect(answer.body?.error?.message).toBe(`Method ${method} is not allowed`);
});

test('a path nobody answers is 404 naming the path without its query', async () => {
  expect(await send({ url: '/nothing?x=1', headers: LOCAL })).toMatchObject({ status: 404, body: { error: { message: 'Not found: /nothing' } } });
});

test('the extra handler answers its paths; others go on to 404', async () => {
  const console = (req: { url?: string }, res: { writeHead(status: number): { end(): void } }) => {
    if (!req.url?.startsWith('/approvals')) return false;
    res.writeHead(204).end();
    return true;
  };
  expect((await send({ method: 'GET', url: '/approvals/api/ping', headers: LOCAL }, console as never)).status).toBe(204);
  expect((await send({ method: 'GET', url: '/elsewhere', headers: LOCAL }, console as never)).status).toBe(404);
  expect((await send({ method: 'GET', url: '/approvals', headers: { host: 'evil.example' } }, console as never)).status).toBe(403);
});

test('GET and DELETE without a session id are 400 once the agent is known; GET checks Accept first', async () => {
  const auth = { ...LOCAL, authorization: 'Bearer tok' };
  expect((await send({ method: 'GET', headers: auth })).status).toBe(406);
  expect((await send({ method: 'GET', headers: { ...auth, accept: 'text/event-stream' } })).status).toBe(400);
  expect((await send({ method: 'DELETE', headers: auth })).status).toBe(400);
  expect((await send({ method: 'DELETE', headers: { ...auth, 'mcp-session-id': 'x' } })).status).toBe(404);
});
