// enforceAccess, list filtering (Passthrough) and relayUpstreamRequest over in-memory ports: the same
// rules decide a read, whether the list shows it, and what an upstream may ask the agent.
import { expect, test } from 'vitest';
import { enforceAccess } from '../../src/gateway/enforce-access.js';
import { Passthrough } from '../../src/gateway/passthrough.js';
import { relayUpstreamRequest } from '../../src/gateway/upstream-requests.js';
import { callContext as context, memoryPorts } from './memory-ports.js';

const YAML = `
servers:
  docs: { command: node, args: [docs.mjs] }
agents:
  reader:
    allow: ["docs/*", "resource:docs/notes://pub/**"]
    ask: ["resource:docs/notes://team/**"]
    deny: ["resource:docs/notes://pub/secret*"]
environments:
  dev: { safety: full }
`;

const ports = (answer?: { approved: boolean; reason: string }) =>
  memoryPorts({ yaml: YAML, agent: 'reader', tools: { docs: ['search'] }, clientCapabilities: { elicitation: {} }, ...(answer ? { answer } : {}) });

const read = (uri: string) => ({ kind: 'resource' as const, method: 'resources/read', server: 'docs', name: uri, params: { uri } });

test('an allowed read is forwarded and audited', async () => {
  const g = ports();
  await expect(enforceAccess(g.ports, read('notes://pub/a'), context())).resolves.toEqual({ from: 'docs' });
  expect(g.forwarded).toEqual([{ server: 'docs', method: 'resources/read', params: { uri: 'notes://pub/a' } }]);
  expect(g.records).toMatchObject([{ event: 'access', tool: 'resource:docs/notes://pub/a', method: 'resources/read', decision: 'allow', outcome: 'ok', session: 'session-1' }]);
});

test.each(['notes://pub/secret.txt', 'notes://elsewhere/b'])('a denied read of %s reaches no upstream', async (uri) => {
  const g = ports();
  await expect(enforceAccess(g.ports, read(uri), context())).rejects.toMatchObject({ code: 'CALL_DENIED' });
  expect(g.connects).toEqual([]);
  expect(g.records).toMatchObject([{ decision: 'deny', outcome: 'denied' }]);
});

test('an ask on a read goes to a person; an ask on a subscription is a denial without asking', async () => {
  const g = ports({ approved: true, reason: 'ok' });
  await enforceAccess(g.ports, read('notes://team/plan'), context());
  expect(g.asked.map((a) => a.request.tool)).toEqual(['resources/read']);
  await expect(enforceAccess(g.ports, { ...read('notes://team/plan'), method: 'resources/subscribe' }, context())).rejects.toThrow(/resources\/subscribe is denied/);
  expect(g.asked).toHaveLength(1);
  expect(g.forwarded.map((f) => f.method)).toEqual(['resources/read']);
});

test('resources/list shows only what a read of each entry would not deny', async () => {
  const g = ports();
  // The in-memory upstream answers every request with { from }, so give the list a real body.
  const listing = { resources: [{ uri: 'notes://pub/a' }, { uri: 'notes://pub/secret' }, { uri: 'notes://team/plan' }, { uri: 'notes://other' }] };
  const upstreams = {
    ...g.ports.upstreams,
    info: () => ({ capabilities: { resources: {} } }),
    connect: async () => ({ ...(await g.ports.upstreams.connect('docs')), request: async () => listing }),
  };
  const passthrough = new Passthrough({ ...g.ports, upstreams });
  await expect(passthrough.handle('resources/list', undefined, context())).resolves.toEqual({ resources: [{ uri: 'notes://pub/a' }, { uri: 'notes://team/plan' }] });
});

test('an upstream request the profile does not allow is refused and audited; an allowed elicitation is marked with the server', async () => {
  const g = ports();
  const sent: Array<{ method: string; params: unknown }> = [];
  const send = async (method: string, params: Record<string, unknown> | undefined) => (sent.push({ method, params }), { action: 'decline' });
  await expect(relayUpstreamRequest(g.ports, { server: 'docs', method: 'sampling/createMessage', params: {} }, send)).rejects.toThrow(/refused "sampling\/createMessage" from server "docs"/);
  await expect(relayUpstreamRequest(g.ports, { server: 'docs', method: 'elicitation/create', params: { message: 'Your name?' } }, send)).resolves.toEqual({ action: 'decline' });
  expect(sent).toEqual([{ method: 'elicitation/create', params: { message: '[server "docs"] Your name?' } }]);
  expect(g.records).toMatchObject([
    { event: 'upstream_request', tool: 'docs/sampling/createMessage', decision: 'deny', outcome: 'denied' },
    { event: 'upstream_request', tool: 'docs/elicitation/create', decision: 'allow', outcome: 'ok' },
  ]);
});
