// The ApprovalChannel seam from outside: a channel written here, not in src/, answers tickets through
// the approver's real store race; and the approver's side of the contract (what applies, first answer
// wins, withdraw on every ending, failures) checked with the in-memory twin channel.
import { expect, test } from 'vitest';
import {
  MemoryChannel,
  MemoryTicketStore,
  builtInChannels,
  createApprover,
  type ApprovalChannel,
  type ApprovalEvent,
  type ChannelAnswer,
  type ChannelContext,
  type ChannelRequest,
  type TicketView,
} from '../../src/approval/index.js';
import type { ApprovalConfig } from '../../src/config/types.js';
import { approvalConfig, askRequest, pendingTicket } from './helpers.js';

/** A channel a future file could hold: it "pages" someone, who answers later through `press`. */
function pagerChannel() {
  const pages: Array<{ ticket: TicketView; context: ChannelContext; withdrawn?: string }> = [];
  const seen: ChannelRequest[] = [];
  const channel: ApprovalChannel = {
    name: 'pager',
    applies(request) {
      seen.push(request);
      return request.configured.includes('pager');
    },
    open(ticket, context) {
      const page: (typeof pages)[number] = { ticket, context };
      pages.push(page);
      return { withdraw: (reason) => void (page.withdrawn = reason) };
    },
  };
  const press = (answer: ChannelAnswer): void => pages.at(-1)!.context.answer(answer);
  return { channel, pages, seen, press };
}

/** `approval.channels` naming the new channel; the config schema would learn the name along with the channel. */
const WITH_PAGER = ['console', 'pager'] as unknown as ApprovalConfig['channels'];

function setup(channels: ApprovalChannel[], overrides: Parameters<typeof approvalConfig>[0] = {}) {
  const store = new MemoryTicketStore();
  const events: ApprovalEvent[] = [];
  const approver = createApprover(approvalConfig(overrides), { nonInteractive: false, store, events: { onEvent: (e) => events.push(e) }, channels });
  return { store, events, approver };
}

test('a channel added from outside answers a ticket through the store, as the audit and the agent see it', async () => {
  const config = approvalConfig({ channels: WITH_PAGER });
  const pager = pagerChannel();
  const { approver, store, events } = setup([...builtInChannels(config), pager.channel], { channels: WITH_PAGER });
  const asked = approver.request(askRequest(), { webhooks: [] });
  const ticket = await pendingTicket(store);
  expect(pager.pages.map((p) => p.ticket.id)).toEqual([ticket.id]);
  expect(pager.seen.at(-1)).toEqual({ configured: WITH_PAGER, options: { webhooks: [] } });
  pager.press({ state: 'approved', by: 'bob' });
  expect(await asked).toMatchObject({ approved: true, channel: 'pager', by: 'bob', reason: 'Approved by bob via pager' });
  expect(await store.get(ticket.id)).toMatchObject({ state: 'approved', channel: 'pager', answeredBy: 'bob' });
  expect(events.map((e) => e.type)).toEqual(['asked', 'answered']);
  // Its own answer settled the ticket; the page is still told so it can clear itself.
  expect(pager.pages[0]!.withdrawn).toBe('Answered elsewhere: approved via pager by "bob"');
});

test("an outside channel's deny reason reaches the agent and the store", async () => {
  const pager = pagerChannel();
  const { approver, store } = setup([pager.channel], { channels: WITH_PAGER });
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  pager.press({ state: 'denied', by: 'bob', reason: 'Not during the freeze' });
  expect(await asked).toMatchObject({ approved: false, channel: 'pager', reason: 'Denied by bob via pager: Not during the freeze' });
  expect(await store.get(ticket.id)).toMatchObject({ state: 'denied', decisionReason: 'Not during the freeze' });
});

test('a channel that does not apply is not opened; with none left the call is denied at once, unstored', async () => {
  const pager = pagerChannel();
  const { approver, store, events } = setup([pager.channel], { channels: ['console'] });
  const outcome = await approver.request(askRequest(), {});
  expect(outcome).toMatchObject({ approved: false, channel: 'none' });
  expect(outcome.reason).toBe('Approval needed but no approval channel can reach a person (approval.channels is [console] and no webhook URL is configured); denied');
  expect(pager.pages).toEqual([]);
  expect(await store.list()).toEqual([]);
  expect(events.map((e) => e.type)).toEqual(['asked', 'answered']);
});

test('the first answer wins; the losing channel is withdrawn with how the ticket was decided and its late answer changes nothing', async () => {
  const first = new MemoryChannel({ name: 'first' });
  const second = new MemoryChannel({ name: 'second' });
  const { approver, store } = setup([first, second]);
  const asked = approver.request(askRequest(), {});
  const ticket = await first.ticket();
  expect((await second.ticket()).id).toBe(ticket.id);
  second.answer(ticket.id, { state: 'denied', by: 'carol', reason: 'Looks wrong' });
  expect(await asked).toMatchObject({ approved: false, channel: 'second', by: 'carol' });
  expect(first.withdrawn(ticket.id)).toBe('Looks wrong');
  first.answer(ticket.id, { state: 'approved', by: 'dave' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await store.get(ticket.id)).toMatchObject({ state: 'denied', channel: 'second', answeredBy: 'carol' });
});

test('an answer from the console or CLI (through the store) withdraws every open channel', async () => {
  const memory = new MemoryChannel();
  const { approver, store } = setup([memory]);
  const asked = approver.request(askRequest(), {});
  const ticket = await memory.ticket();
  expect(memory.withdrawn(ticket.id)).toBeUndefined();
  await store.decide(ticket.id, { state: 'approved', channel: 'cli', by: 'erin' });
  expect(await asked).toMatchObject({ approved: true, channel: 'cli', by: 'erin' });
  expect(memory.withdrawn(ticket.id)).toBe('Answered elsewhere: approved via cli by "erin"');
});

test.each([
  ['the timeout', { timeoutMs: 40 }, 'No one answered within 40ms'],
  ['the agent cancelling', {}, 'The agent cancelled the call while it waited for approval'],
  ['the gateway shutting down', {}, 'The gateway shut down while the call waited for approval'],
] as const)('%s withdraws the ticket from the channel, saying why', async (ending, overrides, reason) => {
  const memory = new MemoryChannel();
  const { approver } = setup([memory], overrides);
  const controller = new AbortController();
  const asked = approver.request(askRequest(), { signal: controller.signal });
  const ticket = await memory.ticket();
  if (ending === 'the agent cancelling') controller.abort();
  if (ending === 'the gateway shutting down') await approver.close();
  expect((await asked).approved).toBe(false);
  expect(memory.withdrawn(ticket.id)).toBe(reason);
});

test('a channel proposes approve or deny only, under its own name: anything else is recorded as a denial by it', async () => {
  const memory = new MemoryChannel({ name: 'memory' });
  const { approver, store } = setup([memory]);
  const asked = approver.request(askRequest(), {});
  const ticket = await memory.ticket();
  // What a careless or hostile channel might send; the types forbid it, the approver must too.
  memory.answer(ticket.id, { state: 'expired', channel: 'console', remember: true } as unknown as ChannelAnswer);
  expect(await asked).toMatchObject({ approved: false, channel: 'memory' });
  expect(await store.get(ticket.id)).toMatchObject({ state: 'denied', channel: 'memory' });
  expect((await store.get(ticket.id))?.remember).toBeUndefined();
});

test('remember is honoured from a channel approval and the next identical call is not asked', async () => {
  const memory = new MemoryChannel();
  const { approver } = setup([memory]);
  const asked = approver.request(askRequest(), {});
  const ticket = await memory.ticket();
  memory.answer(ticket.id, { state: 'approved', remember: true });
  expect(await asked).toMatchObject({ approved: true, remember: true, channel: 'memory' });
  expect(await approver.request(askRequest(), {})).toMatchObject({ approved: true, channel: 'remembered' });
  expect(memory.opened).toHaveLength(1);
});

test('a report is audited and the channel keeps waiting; a failure of the last channel denies', async () => {
  const memory = new MemoryChannel();
  const { approver, events } = setup([memory]);
  const asked = approver.request(askRequest(), {});
  const ticket = await memory.ticket();
  memory.report(ticket.id, new Error('One pager is down'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(events.map((e) => e.type)).toEqual(['asked', 'channel-error']);
  memory.fail(ticket.id, new Error('Every pager is down'));
  expect(await asked).toMatchObject({ approved: false, channel: 'none', reason: 'No approval channel could reach a person (Every pager is down)' });
  expect(events.filter((e) => e.type === 'channel-error').map((e) => [e.channel, e.error])).toEqual([
    ['memory', 'One pager is down'],
    ['memory', 'Every pager is down'],
  ]);
});

test('a failed channel leaves the others waiting, and its later answer is ignored', async () => {
  const failing = new MemoryChannel({ name: 'failing' });
  const other = new MemoryChannel({ name: 'other' });
  const { approver } = setup([failing, other]);
  const asked = approver.request(askRequest(), {});
  const ticket = await failing.ticket();
  failing.fail(ticket.id, new Error('Gone'));
  failing.answer(ticket.id, { state: 'approved' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  other.answer(ticket.id, { state: 'denied', reason: 'No' });
  expect(await asked).toMatchObject({ approved: false, channel: 'other', reason: 'Denied via other: No' });
});

test('a channel that throws when opened counts as failed; one that throws when asked whether it applies does not apply', async () => {
  const throwsOnOpen: ApprovalChannel = {
    name: 'broken',
    applies: () => true,
    open: () => {
      throw new Error('Cannot connect');
    },
  };
  const throwsOnApplies: ApprovalChannel = {
    name: 'confused',
    applies: () => {
      throw new Error('Which config?');
    },
    open: () => ({ withdraw: () => {} }),
  };
  const { approver, events, store } = setup([throwsOnApplies, throwsOnOpen]);
  const outcome = await approver.request(askRequest(), {});
  expect(outcome).toMatchObject({ approved: false, channel: 'none', reason: 'No approval channel could reach a person (Cannot connect)' });
  expect(events.map((e) => [e.type, e.channel])).toEqual([
    ['asked', undefined],
    ['channel-error', 'broken'],
    ['answered', undefined],
  ]);
  expect((await store.list()).map((t) => t.state)).toEqual(['denied']);
});

test('a channel whose withdraw throws still lets the call resolve', async () => {
  const memory = new MemoryChannel();
  const sulky: ApprovalChannel = {
    name: 'sulky',
    applies: () => true,
    open: () => ({
      withdraw: () => {
        throw new Error('Cannot withdraw');
      },
    }),
  };
  const { approver } = setup([sulky, memory]);
  const asked = approver.request(askRequest(), {});
  const ticket = await memory.ticket();
  memory.answer(ticket.id, { state: 'approved', by: 'frank' });
  expect(await asked).toMatchObject({ approved: true, channel: 'memory', by: 'frank' });
  expect(memory.withdrawn(ticket.id)).toBe('Answered elsewhere: approved via memory by "frank"');
});
