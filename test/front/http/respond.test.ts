// The edge: an HttpError becomes its status, headers and JSON-RPC body; anything else is logged
// and the client is told only that mcp-warden failed.
import { expect, test } from 'vitest';
import { HttpError } from '../../../src/front/http/http-error.js';
import { errorResponder } from '../../../src/front/http/respond.js';
import { isWardenError } from '../../../src/errors.js';
import { fakeContext } from './fake-http.js';

test('an HttpError is sent as its status, headers and a JSON-RPC error with its id', () => {
  const { ctx, sent } = fakeContext();
  const logged: string[] = [];
  errorResponder((line) => logged.push(line))(ctx.res, new HttpError(429, 'Too many', { headers: { 'Retry-After': '3' }, id: 'x' }));
  expect(sent.status).toBe(429);
  expect(sent.headers).toEqual({ 'Retry-After': '3', 'Content-Type': 'application/json' });
  expect(JSON.parse(sent.body)).toEqual({ jsonrpc: '2.0', error: { code: -32600, message: 'Too many' }, id: 'x' });
  expect(logged).toEqual([]);
  expect(sent.socketClosedSoon).toBe(false);
});

test('a refusal with Connection: close closes the connection after the answer', () => {
  const { ctx, sent } = fakeContext();
  errorResponder(() => {})(ctx.res, new HttpError(413, 'Too big', { headers: { Connection: 'close' } }));
  expect(sent.status).toBe(413);
  expect(sent.socketClosedSoon).toBe(true);
});

test('any other error is logged and answered 500 without blaming the client', () => {
  const { ctx, sent } = fakeContext();
  const logged: string[] = [];
  errorResponder((line) => logged.push(line))(ctx.res, new TypeError('x is undefined'));
  expect(sent.status).toBe(500);
  expect(JSON.parse(sent.body)).toEqual({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error in mcp-warden' }, id: null });
  expect(logged[0]).toMatch(/^HTTP front: TypeError: x is undefined/);
});

test('once headers went out, an error only ends the response', () => {
  const { ctx, sent } = fakeContext();
  ctx.res.writeHead(200);
  errorResponder(() => {})(ctx.res, new Error('late'));
  expect(sent.status).toBe(200);
  expect(sent.body).toBe('');
});

test('HttpError belongs to the one error family', () => {
  expect(isWardenError(new HttpError(400, 'x'))).toBe(true);
});
