// Which session a request is for, and the rules within one: 400 without an id where one is needed,
// 404 for an unknown or another agent's session, 400 for a second initialize, 409 for an id in flight.
import { expect, test } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { duplicateId, namedSession, requiredSession } from '../../../src/front/http/guards/session-lookup.js';
import { initializeAlone } from '../../../src/front/http/guards/initialize.js';
import type { HttpSessions } from '../../../src/front/http/sessions.js';
import type { SessionEndpoint } from '../../../src/front/http/endpoint.js';
import { fakeContext, passes, refusal, summary } from './fake-http.js';

const inFlight = new Set<string | number>([7]);
const endpoint = { id: 's1', isInFlight: (id: string | number) => inFlight.has(id) } as unknown as SessionEndpoint;
// Session s1 belongs to alice; everyone else, and any other id, finds nothing.
const sessions = { get: (id: string, agent: string) => (id === 's1' && agent === 'alice' ? endpoint : undefined) } as unknown as HttpSessions;

function context(options: { session?: string; agent?: string; messages?: JSONRPCMessage[]; initialize?: boolean } = {}) {
  const { ctx } = fakeContext({ headers: options.session ? { 'mcp-session-id': options.session } : {} });
  ctx.agent = options.agent ?? 'alice';
  ctx.messages = options.messages ?? [];
  ctx.initialize = options.initialize ? INIT : undefined;
  return ctx;
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } } as JSONRPCMessage;
const call = (id: string | number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x' } }) as JSONRPCMessage;
const NOT_FOUND = { status: 404, code: -32600, message: 'Session not found' };

test('GET and DELETE need the session id header', async () => {
  expect(summary(await refusal(requiredSession(sessions), context()))).toEqual({ status: 400, code: -32600, message: 'Bad Request: the Mcp-Session-Id header is required' });
});

test("the agent's own session is found; an unknown one and another agent's are both 404", async () => {
  const own = context({ session: 's1' });
  expect(await passes(requiredSession(sessions), own)).toBe(true);
  expect(own.endpoint).toBe(endpoint);
  expect(own.sessionId).toBe('s1');
  expect(summary(await refusal(requiredSession(sessions), context({ session: 'nope' })))).toEqual(NOT_FOUND);
  expect(summary(await refusal(requiredSession(sessions), context({ session: 's1', agent: 'bob' })))).toEqual(NOT_FOUND);
  expect(summary(await refusal(namedSession(sessions), context({ session: 's1', agent: 'bob', messages: [call(1)] })))).toEqual(NOT_FOUND);
});

test('a POST naming no session passes on without one', async () => {
  const ctx = context({ messages: [INIT], initialize: true });
  expect(await passes(namedSession(sessions), ctx)).toBe(true);
  expect(ctx.endpoint).toBeUndefined();
});

test('a second initialize in a session is 400', async () => {
  expect(summary(await refusal(namedSession(sessions), context({ session: 's1', messages: [INIT], initialize: true })))).toEqual({ status: 400, code: -32600, message: 'Invalid Request: this session is already initialized' });
});

test.each([
  ['an id still in flight', [call(7)], 7],
  ['an id the batch repeats', [call(1), call('a'), call(1)], 1],
  ['an id in flight before one the batch repeats', [call(2), call(2), call(7)], 7],
])('%s is 409 with that id', async (_label, messages, id) => {
  expect(summary(await refusal(namedSession(sessions), context({ session: 's1', messages })))).toEqual({ status: 409, code: -32600, message: `Duplicate request id "${id}" is still in flight`, id });
});

test('ids of responses and notifications are not request ids; 1 and "1" differ', () => {
  const response = { jsonrpc: '2.0', id: 3, result: {} } as JSONRPCMessage;
  expect(duplicateId([call(3), response, call('3'), { jsonrpc: '2.0', method: 'n' }], { isInFlight: () => false })).toBeUndefined();
  expect(duplicateId([response], { isInFlight: () => true })).toBeUndefined();
});

test('a new session needs an initialize request with params, sent alone', async () => {
  const ok = context({ messages: [INIT], initialize: true });
  expect(await passes(initializeAlone, ok)).toBe(true);
  expect(ok.initializeParams).toMatchObject({ protocolVersion: '2025-06-18', capabilities: {} });

  const first = { status: 400, code: -32600, message: 'Bad request: send "initialize" first, then use the Mcp-Session-Id it returns' };
  expect(summary(await refusal(initializeAlone, context({ messages: [call(1)] })))).toEqual(first);
  const notification = { jsonrpc: '2.0', method: 'initialize', params: {} } as JSONRPCMessage;
  const asNotification = context({ messages: [notification] });
  asNotification.initialize = notification;
  expect(summary(await refusal(initializeAlone, asNotification))).toEqual(first);
  const alone = { status: 400, code: -32600, message: 'Invalid Request: initialize must be sent alone' };
  expect(summary(await refusal(initializeAlone, context({ messages: [INIT, call(2)], initialize: true })))).toEqual(alone);
});

test('missing capabilities in initialize default to none', async () => {
  const bare = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', clientInfo: { name: 't', version: '1' } } } as unknown as JSONRPCMessage;
  const ctx = context({ messages: [bare] });
  ctx.initialize = bare;
  expect(await passes(initializeAlone, ctx)).toBe(true);
  expect(ctx.initializeParams?.capabilities).toEqual({});
});

test('a POST within a session skips the initialize rules', async () => {
  const ctx = context({ session: 's1', messages: [call(1)] });
  ctx.endpoint = endpoint;
  expect(await passes(initializeAlone, ctx)).toBe(true);
});
