// The approver's per-agent cap on waiting calls, the channels a request may narrow, and the client an
// elicitation answer is credited to, with the in-memory store.
import { expect, test } from 'vitest';
import { MemoryTicketStore, createApprover, type ApprovalEvent } from '../../src/approval/index.js';
import { challengeProof, proofMatches } from '../../src/approval/console-auth.js';
import { approvalConfig, askRequest, pendingTicket } from './helpers.js';

function setup(overrides: Parameters<typeof approvalConfig>[0] = {}) {
  const store = new MemoryTicketStore();
  const events: ApprovalEvent[] = [];
  const approver = createApprover(approvalConfig(overrides), { nonInteractive: false, store, events: { onEvent: (e) => events.push(e) } });
  return { store, events, approver };
}

test('past max_pending_per_agent the next ask of that agent is denied at once; other agents and freed places are unaffected', async () => {
  const { store, events, approver } = setup({ channels: ['console'], maxPendingPerAgent: 2 });
  const first = approver.request(askRequest({ arguments: { n: 1 } }), {});
  const second = approver.request(askRequest({ arguments: { n: 2 } }), {});
  const third = await approver.request(askRequest({ arguments: { n: 3 } }), {});
  expect(third).toMatchObject({
    approved: false,
    channel: 'none',
    reason: 'Approval needed but agent "claude-code" already has 2 calls waiting for approval, the most approval.max_pending_per_agent allows (2); denied. Wait for those to be answered, or cancel some',
  });
  expect(events.filter((e) => e.ticket.arguments.n === 3).map((e) => e.type)).toEqual(['asked', 'answered']);

  const other = approver.request(askRequest({ agent: 'ci', arguments: { n: 4 } }), {});
  const otherTicket = await pendingTicket(store, (t) => t.agent === 'ci');
  expect(otherTicket.arguments).toEqual({ n: 4 });

  const firstTicket = await pendingTicket(store, (t) => t.arguments.n === 1);
  await store.decide(firstTicket.id, { state: 'denied', channel: 'cli' });
  expect((await first).approved).toBe(false);
  const fifth = approver.request(askRequest({ arguments: { n: 5 } }), {});
  expect((await pendingTicket(store, (t) => t.arguments.n === 5)).agent).toBe('claude-code');
  await approver.close();
  for (const call of [second, other, fifth]) expect((await call).channel).toBe('cancelled');
});

test('the default cap is 20', async () => {
  const { approver } = setup({ channels: ['console'] });
  const waiting = Array.from({ length: 20 }, (_, n) => approver.request(askRequest({ arguments: { n } }), {}));
  expect(await approver.request(askRequest({ arguments: { n: 20 } }), {})).toMatchObject({ approved: false, channel: 'none' });
  await approver.close();
  await Promise.all(waiting);
});

test("a request's channels replace approval.channels: without elicitation the client is never prompted", async () => {
  const { approver } = setup({ channels: ['elicitation'], timeoutMs: 200 });
  let prompted = 0;
  const outcome = await approver.request(askRequest(), {
    channels: ['console'],
    elicit: async () => {
      prompted++;
      return { action: 'accept', content: { decision: 'approve' } };
    },
  });
  expect(outcome).toMatchObject({ approved: false, channel: 'timeout' });
  expect(prompted).toBe(0);
});

test('an answer by elicitation names the client that gave it', async () => {
  const { approver } = setup({ channels: ['elicitation'] });
  const outcome = await approver.request(askRequest(), {
    client: { name: 'auto-yes', version: '9.9' },
    elicit: async () => ({ action: 'accept', content: { decision: 'approve' } }),
  });
  expect(outcome).toMatchObject({ approved: true, channel: 'elicitation', client: { name: 'auto-yes', version: '9.9' } });
});

test('a console proof answers only a well-formed nonce, and only under the same token', () => {
  const nonce = 'ab'.repeat(32);
  const proof = challengeProof('token-a', nonce)!;
  expect(proofMatches(proof, nonce, 'token-a')).toBe(true);
  expect(proofMatches(proof, nonce, 'token-b')).toBe(false);
  expect(proofMatches(proof, 'cd'.repeat(32), 'token-a')).toBe(false);
  expect(proofMatches(undefined, nonce, 'token-a')).toBe(false);
  // Anything but 64 hex characters gets no proof, so the answer can never equal the derived cookie.
  for (const bad of ['', 'ab', 'mcp-warden approval console cookie', 'AB'.repeat(32), `${'ab'.repeat(32)}\n`]) {
    expect(challengeProof('token-a', bad)).toBeUndefined();
  }
});
