// enforceCall over in-memory ports: no GatewaySession, no SDK server, no process. The pipeline sees
// only the agent's rules, a catalog, the upstream connections, who the session is, an approver and
// an audit sink; each test checks what reached the upstream and what was written to the audit.
import { expect, test } from 'vitest';
import { enforceCall } from '../../src/gateway/call-pipeline.js';
import { callContext as context, memoryPorts } from './memory-ports.js';

const YAML = `
servers:
  echo: { command: node, args: [echo.mjs] }
  down: { command: node, args: [down.mjs] }
profiles:
  base:
    allow: ["echo/*", "down/*"]
    ask: ["echo/write"]
    deny: ["echo/secret"]
agents:
  dev: { extends: [base], webhook: { url: "https://hooks.example.com/dev" }, approval: { channels: [console, webhook] } }
environments:
  dev: { safety: full }
approval:
  timeout: 2s
`;

// "secret" is in the catalog too: the catalog here is built by hand, so the decision alone must refuse it.
const ports = (options: { answer?: { approved: boolean; reason: string; by?: string } } = {}) =>
  memoryPorts({ yaml: YAML, agent: 'dev', tools: { echo: ['echo', 'write', 'secret'] }, ...options });

test('an allowed call is forwarded with its arguments and audited under the session’s identity', async () => {
  const g = ports();
  const result = await enforceCall(g.ports, { name: 'echo_echo', arguments: { text: 'hi' }, _meta: { trace: 'x', progressToken: 7 } }, context());
  expect(result.content).toEqual([{ type: 'text', text: 'ran echo' }]);
  // The agent's progress token is the gateway's to relay, never the upstream's.
  expect(g.forwarded).toEqual([{ server: 'echo', method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' }, _meta: { trace: 'x' } } }]);
  expect(g.records).toHaveLength(1);
  expect(g.records[0]).toMatchObject({ event: 'call', agent: 'dev', environment: 'dev', session: 'session-1', tool: 'echo/echo', decision: 'allow', outcome: 'ok' });
});

test('a call the rules deny reaches no upstream, and says why', async () => {
  const g = ports();
  await expect(enforceCall(g.ports, { name: 'echo_secret', arguments: {} }, context())).rejects.toMatchObject({ code: 'CALL_DENIED' });
  expect(g.connects).toEqual([]);
  expect(g.forwarded).toEqual([]);
  expect(g.records).toMatchObject([{ tool: 'echo/secret', decision: 'deny', outcome: 'denied' }]);
});

test('a name the catalog does not hold is refused without contacting any upstream', async () => {
  const g = ports();
  await expect(enforceCall(g.ports, { name: 'echo_nope', arguments: {} }, context())).rejects.toMatchObject({ code: 'TOOL_NOT_FOUND' });
  expect(g.connects).toEqual([]);
  expect(g.records).toMatchObject([{ tool: 'echo_nope', decision: 'deny', outcome: 'denied', error: 'unknown tool' }]);
});

test('a tool of a server that is not up gets that server’s state, not "unknown tool"', async () => {
  const g = ports();
  await expect(enforceCall(g.ports, { name: 'down_read', arguments: {} }, context())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  expect(g.connects).toEqual([]);
  expect(g.records).toMatchObject([{ tool: 'down/read', decision: 'deny', outcome: 'error' }]);
});

test('arguments that are not an object are refused before any decision', async () => {
  const g = ports();
  await expect(enforceCall(g.ports, { name: 'echo_echo', arguments: ['x'] }, context())).rejects.toMatchObject({ code: 'BAD_INPUT' });
  expect(g.forwarded).toEqual([]);
  expect(g.records).toMatchObject([{ tool: 'echo/echo', outcome: 'denied', error: 'arguments are not an object' }]);
});

test('an ask goes to the approver with the view’s channels and webhooks; a refusal is not forwarded', async () => {
  const g = ports();
  await expect(enforceCall(g.ports, { name: 'echo_write', arguments: { path: 'a' } }, context())).rejects.toThrow(/Approval was not given: a person said no/);
  expect(g.asked).toHaveLength(1);
  expect(g.asked[0]!.request).toMatchObject({ agent: 'dev', session: 'session-1', environment: 'dev', server: 'echo', tool: 'write', arguments: { path: 'a' } });
  expect(g.asked[0]!.options.channels).toEqual(['console', 'webhook']);
  expect(g.asked[0]!.options.webhooks).toEqual(g.view.webhooks);
  expect(g.asked[0]!.options.elicit).toBeUndefined();
  expect(g.forwarded).toEqual([]);
  expect(g.records).toMatchObject([{ tool: 'echo/write', decision: 'deny', outcome: 'denied', approval: { ticket: 't1', channel: 'console' } }]);
});

test('an approved ask is forwarded with exactly the arguments the person saw, and no _meta', async () => {
  const g = ports({ answer: { approved: true, reason: 'ok', by: 'alice' } });
  await enforceCall(g.ports, { name: 'echo_write', arguments: { path: 'a' }, _meta: { smuggled: true } }, context());
  expect(g.forwarded).toEqual([{ server: 'echo', method: 'tools/call', params: { name: 'write', arguments: { path: 'a' } } }]);
  expect(g.records).toMatchObject([{ tool: 'echo/write', decision: 'ask', outcome: 'ok', approval: { by: 'alice' } }]);
});
