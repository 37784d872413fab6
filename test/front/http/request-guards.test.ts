// The guards that look only at headers: Host and Origin, the bearer token, the protocol version,
// Accept and Content-Type. Each refusal's status, code, text and headers are pinned; the e2e tests
// (test/e2e/http-front.test.ts, http-transport.test.ts) prove the same over a socket.
import { expect, test } from 'vitest';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { TokenTable } from '../../../src/front/http-guard.js';
import { bearerAuth } from '../../../src/front/http/guards/auth.js';
import { hostAndOrigin } from '../../../src/front/http/guards/host-origin.js';
import { acceptsJsonAndStream, acceptsStream, jsonContentType } from '../../../src/front/http/guards/media-type.js';
import { protocolVersion } from '../../../src/front/http/guards/protocol-version.js';
import { fakeContext, passes, refusal, summary } from './fake-http.js';

const BOTH = 'application/json, text/event-stream';
const hosts = hostAndOrigin(['warden.internal'], ['https://app.example']);

test.each([
  ['a loopback Host', { host: '127.0.0.1:8787' }],
  ['a configured Host', { host: 'warden.internal:8787' }],
  ['a loopback Origin', { host: 'localhost:8787', origin: 'http://localhost:3000' }],
  ['a configured Origin', { host: 'localhost:8787', origin: 'https://app.example' }],
])('%s passes', async (_label, headers) => {
  expect(await passes(hosts, fakeContext({ headers }).ctx)).toBe(true);
});

test.each([
  ['a foreign Host', { host: 'evil.example:8787' }, 'Forbidden: Host is not allowed'],
  ['no Host', {}, 'Forbidden: Host is not allowed'],
  ['a foreign Origin', { host: 'localhost:8787', origin: 'https://evil.example' }, 'Forbidden: Origin is not allowed'],
])('%s gets 403', async (_label, headers, message) => {
  expect(summary(await refusal(hosts, fakeContext({ headers }).ctx))).toEqual({ status: 403, code: -32600, message });
});

test('the Host check remembers an allowed Host, never a refused one', async () => {
  expect(await passes(hosts, fakeContext({ headers: { host: 'LOCALHOST:1' } }).ctx)).toBe(true);
  expect(await passes(hosts, fakeContext({ headers: { host: 'LOCALHOST:1' } }).ctx)).toBe(true);
  await refusal(hosts, fakeContext({ headers: { host: 'evil.example' } }).ctx);
  await refusal(hosts, fakeContext({ headers: { host: 'evil.example' } }).ctx);
});

const auth = bearerAuth(new TokenTable({ alice: 'token-a' }));

test('a known token names the agent', async () => {
  const { ctx } = fakeContext({ headers: { authorization: 'Bearer token-a' } });
  expect(await passes(auth, ctx)).toBe(true);
  expect(ctx.agent).toBe('alice');
});

test.each([
  ['no token', {}],
  ['a wrong token', { authorization: 'Bearer token-b' }],
  ['basic auth', { authorization: 'Basic dG9rZW4tYQ==' }],
])('%s gets 401 with a Bearer challenge', async (_label, headers) => {
  expect(summary(await refusal(auth, fakeContext({ headers }).ctx))).toEqual({
    status: 401,
    code: -32600,
    message: 'Missing or unknown bearer token',
    headers: { 'WWW-Authenticate': 'Bearer realm="mcp-warden"' },
  });
});

test('a refused token is told to the observer with why and from where, never the token; a known one is not', async () => {
  const told: Array<{ reason: string; remote?: string }> = [];
  const watched = bearerAuth(new TokenTable({ alice: 'token-a' }), { authRejected: ({ reason, remote }) => void told.push({ reason, ...(remote ? { remote } : {}) }) });
  const from = (headers: Record<string, string>) => {
    const { ctx } = fakeContext({ headers });
    Object.assign(ctx.req.socket, { remoteAddress: '192.0.2.7' });
    return ctx;
  };
  expect(await passes(watched, from({ authorization: 'Bearer token-a' }))).toBe(true);
  await refusal(watched, from({ authorization: 'Bearer token-b-secret' }));
  await refusal(watched, from({}));
  await refusal(watched, from({ authorization: 'Basic dG9rZW4tYQ==' }));
  expect(told).toEqual([
    { reason: 'unknown bearer token', remote: '192.0.2.7' },
    { reason: 'missing bearer token', remote: '192.0.2.7' },
    { reason: 'missing bearer token', remote: '192.0.2.7' },
  ]);
  expect(JSON.stringify(told)).not.toContain('token-b-secret');
});

test('no protocol version header, or a supported one, passes', async () => {
  expect(await passes(protocolVersion, fakeContext().ctx)).toBe(true);
  expect(await passes(protocolVersion, fakeContext({ headers: { 'mcp-protocol-version': '2025-06-18' } }).ctx)).toBe(true);
});

test('an unsupported protocol version gets 400 naming the supported ones', async () => {
  const error = await refusal(protocolVersion, fakeContext({ headers: { 'mcp-protocol-version': '1999-01-01' } }).ctx);
  expect(error.status).toBe(400);
  expect(error.rpcCode).toBe(-32600);
  expect(error.message).toBe(`Bad Request: unsupported protocol version "1999-01-01" (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
  expect(SUPPORTED_PROTOCOL_VERSIONS).toContain('2025-06-18');
});

test.each([
  [BOTH, true],
  ['*/*', true],
  ['text/*, application/*', true],
  ['application/json', false],
  ['text/event-stream', false],
  ['', false],
])('a POST accepting %j passes: %s', async (accept, ok) => {
  const { ctx } = fakeContext({ headers: accept ? { accept } : {} });
  if (ok) expect(await passes(acceptsJsonAndStream, ctx)).toBe(true);
  else expect(summary(await refusal(acceptsJsonAndStream, ctx))).toEqual({ status: 406, code: -32600, message: 'Not Acceptable: the client must accept both application/json and text/event-stream' });
});

test.each([
  ['text/event-stream', true],
  ['*/*', true],
  ['application/json', false],
])('a GET accepting %j passes: %s', async (accept, ok) => {
  const { ctx } = fakeContext({ method: 'GET', headers: { accept } });
  if (ok) expect(await passes(acceptsStream, ctx)).toBe(true);
  else expect(summary(await refusal(acceptsStream, ctx))).toEqual({ status: 406, code: -32600, message: 'Not Acceptable: the client must accept text/event-stream' });
});

test.each([
  ['application/json', true],
  ['application/json; charset=utf-8', true],
  ['Application/JSON', true],
  ['application/jsonp', false],
  ['text/plain', false],
  [undefined, false],
])('Content-Type %j passes: %s', async (type, ok) => {
  const { ctx } = fakeContext({ headers: type ? { 'content-type': type } : {} });
  if (ok) expect(await passes(jsonContentType, ctx)).toBe(true);
  else expect(summary(await refusal(jsonContentType, ctx))).toEqual({ status: 415, code: -32600, message: 'Unsupported Media Type: Content-Type must be application/json' });
});
