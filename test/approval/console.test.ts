// The approval console's HTTP API over a real socket: the token, the login cookie, Host and Origin
// checks, unknown and decided tickets, and answers that resolve a waiting request.
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { MemoryTicketStore, createApprover, startConsole, type Approver, type RunningConsole } from '../../src/approval/index.js';
import { createTicket } from '../../src/approval/ticket.js';
import { approvalConfig, askRequest, pendingTicket } from './helpers.js';

const TOKEN = 'console-test-token-0123456789abcdef';
let store: MemoryTicketStore;
let approver: Approver;
let server: RunningConsole;

beforeEach(async () => {
  store = new MemoryTicketStore();
  approver = createApprover(approvalConfig({ channels: ['console'] }), { nonInteractive: false, store });
  server = await startConsole({ store, token: TOKEN });
});
afterEach(async () => {
  await approver.close();
  await server.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // Parsed JSON (or {} for HTML); a test that reads fields names the shape it expects.
  json: unknown;
}

/** A raw HTTP request, so that Host, Origin and Cookie can be set to anything. */
function call(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
  const { port } = server;
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          host: `127.0.0.1:${port}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: unknown = {};
          try {
            json = JSON.parse(text) as unknown;
          } catch {
            // HTML
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = { authorization: `Bearer ${TOKEN}` };

test('the API needs the token: missing or forged gives 401', async () => {
  expect(await call('GET', '/approvals/api/tickets')).toMatchObject({
    status: 401,
    json: { error: expect.stringContaining('Missing or wrong approval console token') as string },
  });
  expect((await call('GET', '/approvals/api/tickets', { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
  expect((await call('GET', '/approvals/api/tickets', { headers: { authorization: 'Bearer ' } })).status).toBe(401);
  expect((await call('GET', '/approvals/api/tickets', { headers: { cookie: `mcp_warden_approvals=${TOKEN}` } })).status).toBe(401);
  const forgedAnswer = await call('POST', '/approvals/api/tickets/aaaaaaaaaaaaaaaaaaaaaaaaaa/approve', { headers: { authorization: 'Bearer guess' }, body: {} });
  expect(forgedAnswer.status).toBe(401);
  expect(await call('GET', '/approvals/api/tickets', { headers: bearer })).toMatchObject({ status: 200, json: { pending: [], history: [] } });
});

test('the page takes the token once and then uses an HttpOnly SameSite=Strict cookie', async () => {
  expect((await call('GET', '/approvals')).status).toBe(401);
  expect((await call('GET', '/approvals?token=wrong')).status).toBe(401);
  const login = await call('GET', `/approvals?token=${TOKEN}`);
  expect(login.status).toBe(303);
  expect(login.headers.location).toBe('/approvals');
  const cookie = String(login.headers['set-cookie']);
  expect(cookie).toMatch(/^mcp_warden_approvals=[\w-]+; HttpOnly; SameSite=Strict; Path=\/approvals$/);
  expect(cookie).not.toContain(TOKEN);
  const page = await call('GET', '/approvals', { headers: { cookie: cookie.split(';')[0]! } });
  expect(page.status).toBe(200);
  expect(page.text).toContain('<title>mcp-warden approvals</title>');
  expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'nonce-/);
  expect(page.headers['x-frame-options']).toBe('DENY');
  expect((await call('GET', '/approvals/api/tickets', { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  expect(server.loginUrl).toBe(`${server.url}?token=${TOKEN}`);
});

test('a Host that is not loopback is refused (DNS rebinding)', async () => {
  const reply = await call('GET', '/approvals/api/tickets', { headers: { ...bearer, host: 'evil.example:80' } });
  expect(reply).toMatchObject({ status: 403, json: { error: 'Host "evil.example:80" is not allowed: open the console through 127.0.0.1 or localhost' } });
  expect((await call('GET', '/approvals/api/tickets', { headers: { ...bearer, host: `localhost:${server.port}` } })).status).toBe(200);
});

test('answers from a foreign Origin are refused, even with a valid cookie or token', async () => {
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  const login = await call('GET', `/approvals?token=${TOKEN}`);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const foreign: Array<Record<string, string>> = [
    { cookie, origin: 'http://evil.example' },
    { ...bearer, origin: 'http://evil.example' },
    { cookie, origin: 'null' },
    { cookie, 'sec-fetch-site': 'cross-site' },
  ];
  for (const headers of foreign) {
    const reply = await call('POST', `/approvals/api/tickets/${ticket.id}/approve`, { headers, body: {} });
    expect(reply.status, JSON.stringify(headers)).toBe(403);
  }
  // A form post (no JSON) is refused as well.
  const form = await call('POST', `/approvals/api/tickets/${ticket.id}/approve`, {
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'remember=true',
  });
  expect(form).toMatchObject({ status: 415, json: { error: 'Request body must be JSON with "Content-Type: application/json"' } });
  expect(await store.get(ticket.id)).toMatchObject({ state: 'pending' });

  const sameOrigin = await call('POST', `/approvals/api/tickets/${ticket.id}/deny`, {
    headers: { cookie, origin: `http://127.0.0.1:${server.port}` },
    body: { reason: 'Wrong file' },
  });
  expect(sameOrigin).toMatchObject({ status: 200, json: { ticket: { state: 'denied' } } });
  expect(await asked).toMatchObject({ approved: false, channel: 'console', reason: 'Denied via console: Wrong file' });
});

test('unknown ids give 404, decided and expired ones 409, with clear messages', async () => {
  const unknown = await call('POST', '/approvals/api/tickets/aaaaaaaaaaaaaaaaaaaaaaaaaa/approve', { headers: bearer, body: {} });
  expect(unknown).toMatchObject({ status: 404, json: { error: 'No approval ticket "aaaaaaaaaaaaaaaaaaaaaaaaaa": it does not exist or was removed from the history' } });
  expect((await call('POST', '/approvals/api/tickets/..%2F..%2Fetc/approve', { headers: bearer, body: {} })).status).toBe(404);
  expect((await call('GET', '/approvals/api/tickets/aaaaaaaaaaaaaaaaaaaaaaaaaa', { headers: bearer })).status).toBe(404);

  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  expect((await call('POST', `/approvals/api/tickets/${ticket.id}/approve`, { headers: bearer, body: { by: 'alice' } })).status).toBe(200);
  expect(await asked).toMatchObject({ approved: true, channel: 'console', by: 'alice', ticketId: ticket.id });
  const replay = await call('POST', `/approvals/api/tickets/${ticket.id}/approve`, { headers: bearer, body: { by: 'alice' } });
  expect(replay).toMatchObject({ status: 409, json: { error: `Ticket "${ticket.id}" was already decided: approved via console by "alice"` } });
  const lateDeny = await call('POST', `/approvals/api/tickets/${ticket.id}/deny`, { headers: bearer, body: {} });
  expect(lateDeny.status).toBe(409);

  const old = createTicket(askRequest(), { now: Date.now() - 10_000, timeoutMs: 5_000 });
  await store.create(old);
  const expired = await call('POST', `/approvals/api/tickets/${old.id}/approve`, { headers: bearer, body: {} });
  expect(expired).toMatchObject({ status: 409, json: { error: `Ticket "${old.id}" expired before this answer arrived; the call was denied`, ticket: { state: 'expired' } } });
});

test('bad bodies are refused with 400', async () => {
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  const path = `/approvals/api/tickets/${ticket.id}/approve`;
  expect(await call('POST', path, { headers: bearer, body: '{' })).toMatchObject({ status: 400, json: { error: 'Request body is not valid JSON' } });
  expect(await call('POST', path, { headers: bearer, body: { remember: 'yes' } })).toMatchObject({ status: 400, json: { error: 'Field "remember" must be true or false' } });
  expect((await call('POST', path, { headers: bearer, body: 'x'.repeat(20_000) })).status).toBe(413);
  expect((await call('GET', path, { headers: bearer })).status).toBe(405);
  expect(await store.get(ticket.id)).toMatchObject({ state: 'pending' });
  await call('POST', path, { headers: bearer, body: { remember: true } });
  expect(await asked).toMatchObject({ approved: true, remember: true });
});

test('the listing shows pending tickets with their full arguments and a history of decided ones', async () => {
  const args = { path: 'a.txt', content: '<script>alert(1)</script>', nested: { list: [1, 2, 3] } };
  const controller = new AbortController();
  const first = approver.request(askRequest({ arguments: args }), {});
  const ticket = await pendingTicket(store);
  const second = approver.request(askRequest({ tool: 'delete_file' }), { signal: controller.signal });
  await pendingTicket(store, (t) => t.tool === 'delete_file');
  await call('POST', `/approvals/api/tickets/${ticket.id}/approve`, { headers: bearer, body: {} });
  await first;
  const listing = (await call('GET', '/approvals/api/tickets', { headers: bearer })).json as {
    pending: Array<{ tool: string; arguments: unknown; reasons: unknown[] }>;
    history: Array<{ id: string; state: string; arguments: unknown }>;
  };
  expect(listing.pending.map((t) => t.tool)).toEqual(['delete_file']);
  expect(listing.pending[0]!.reasons).toHaveLength(1);
  expect(listing.history).toMatchObject([{ id: ticket.id, state: 'approved', arguments: args }]);

  // Cancelled by the agent: gone from the pending list.
  controller.abort();
  await second;
  const after = (await call('GET', '/approvals/api/tickets', { headers: bearer })).json as { pending: unknown[] };
  expect(after.pending).toEqual([]);
});

test('a second console on a port already served by one reuses it', async () => {
  const again = await startConsole({ store, token: TOKEN, port: server.port });
  expect(again).toMatchObject({ reused: true, url: server.url });
  await again.close();
  expect((await call('GET', '/approvals/api/tickets', { headers: bearer })).status).toBe(200);
});
