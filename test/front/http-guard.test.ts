import type { IncomingMessage } from 'node:http';
import { expect, test } from 'vitest';
import { TokenTable, hostAllowed, isLoopbackHost, originAllowed } from '../../src/front/http-guard.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

test.each([
  ['localhost:8787', true],
  ['127.0.0.1:8787', true],
  ['127.0.0.2', true],
  ['[::1]:8787', true],
  ['LOCALHOST:1', true],
  ['evil.example:8787', false],
  ['localhost.evil.example', false],
  ['127.0.0.1.evil.example', false],
  ['0.0.0.0:8787', false],
  ['', false],
])('Host %j allowed: %s', (host, allowed) => {
  expect(hostAllowed(req(host ? { host } : {}), [])).toBe(allowed);
});

test('a configured host is allowed', () => {
  expect(hostAllowed(req({ host: 'warden.internal:8787' }), ['warden.internal'])).toBe(true);
});

test.each([
  [undefined, true],
  ['http://localhost:3000', true],
  ['http://127.0.0.1', true],
  ['https://[::1]:9', true],
  ['https://evil.example', false],
  ['http://localhost.evil.example', false],
  ['null', false],
  ['file://', false],
])('Origin %j allowed: %s', (origin, allowed) => {
  expect(originAllowed(req(origin === undefined ? {} : { origin }), [])).toBe(allowed);
});

test('tokens name their agent; anything else names none', () => {
  const table = new TokenTable({ alice: 'token-a', bob: 'token-b', nobody: undefined, empty: '' });
  expect(table.agentFor('Bearer token-a')).toBe('alice');
  expect(table.agentFor('bearer token-b')).toBe('bob');
  expect(table.agentFor('Bearer token-c')).toBeUndefined();
  expect(table.agentFor('Bearer ')).toBeUndefined();
  expect(table.agentFor('Basic token-a')).toBeUndefined();
  expect(table.agentFor('Bearer token-a extra')).toBeUndefined();
  expect(table.agentFor(undefined)).toBeUndefined();
  expect(table.agentFor('Bearer token-')).toBeUndefined();
});

test('loopback detection', () => {
  expect(isLoopbackHost('127.0.0.1')).toBe(true);
  expect(isLoopbackHost('::1')).toBe(true);
  expect(isLoopbackHost('0.0.0.0')).toBe(false);
  expect(isLoopbackHost('192.168.1.2')).toBe(false);
});
