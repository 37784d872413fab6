// The channels that reach a person, through the approver: MCP elicitation (with a fake client
// callback), the absence of any channel, and non-interactive runs.
import { expect, test } from 'vitest';
import { MemoryTicketStore, createApprover, type ApprovalEvent, type ElicitFunction } from '../../src/approval/index.js';
import { approvalConfig, askRequest, pendingTicket } from './helpers.js';

function setup(overrides: Parameters<typeof approvalConfig>[0] = {}, nonInteractive = false) {
  const store = new MemoryTicketStore();
  const events: ApprovalEvent[] = [];
  const approver = createApprover(approvalConfig(overrides), { nonInteractive, store, events: { onEvent: (e) => events.push(e) } });
  return { store, events, approver };
}

test('elicitation shows the call in full and asks for a decision', async () => {
  const { approver } = setup({ channels: ['elicitation'] });
  let seen: { message: string; requestedSchema: object } | undefined;
  const elicit: ElicitFunction = async (params) => {
    seen = params;
    return { action: 'accept', content: { decision: 'approve' } };
  };
  const outcome = await approver.request(askRequest(), { elicit });
  expect(outcome).toMatchObject({ approved: true, channel: 'elicitation', reason: 'Approved via elicitation' });
  expect(outcome.remember).toBeUndefined();
  expect(seen!.message).toContain('Tool: fs/write_file');
  expect(seen!.message).toContain('Agent: claude-code in environment "prod"');
  expect(seen!.message).toContain('- Calls that write need approval in environment "prod" (safety: standard, gateway.yaml:14:5)');
  expect(seen!.message).toContain(`Arguments, exactly as they will be forwarded:\n{\n  "path": "notes/todo.md",\n  "content": "ship it <b>now</b>"\n}`);
  expect(seen!.requestedSchema).toMatchInlineSnapshot(`
    {
      "properties": {
        "decision": {
          "enum": [
            "approve",
            "deny",
          ],
          "enumNames": [
            "Approve",
            "Deny",
          ],
          "title": "Decision",
          "type": "string",
        },
        "remember": {
          "default": false,
          "description": "Also approve identical calls (same tool, same arguments) for the rest of this session",
          "title": "Remember for this session",
          "type": "boolean",
        },
      },
      "required": [
        "decision",
      ],
      "type": "object",
    }
  `);
});

test('elicitation: approve with remember is remembered for the session', async () => {
  const { approver } = setup({ channels: ['elicitation'] });
  let prompts = 0;
  const elicit: ElicitFunction = async () => {
    prompts++;
    return { action: 'accept', content: { decision: 'approve', remember: true } };
  };
  expect(await approver.request(askRequest(), { elicit })).toMatchObject({ approved: true, remember: true });
  expect(await approver.request(askRequest(), { elicit })).toMatchObject({ approved: true, channel: 'remembered' });
  expect(prompts).toBe(1);
});

test.each([
  [{ action: 'decline' } as const, 'Denied via elicitation: The user declined the approval prompt'],
  [{ action: 'accept', content: { decision: 'deny' } } as const, 'Denied via elicitation: The user chose deny in the approval prompt'],
  [{ action: 'accept', content: {} } as const, 'Denied via elicitation: The user chose deny in the approval prompt'],
  [{ action: 'accept', content: { decision: 'approve ' } } as const, 'Denied via elicitation: The user chose deny in the approval prompt'],
])('elicitation %j denies', async (result, reason) => {
  const { approver, events } = setup({ channels: ['elicitation', 'console'] });
  const outcome = await approver.request(askRequest(), { elicit: async () => result });
  expect(outcome).toMatchObject({ approved: false, channel: 'elicitation', reason });
  expect(events.map((e) => e.type)).toEqual(['asked', 'answered']);
});

test('elicitation: a prompt the client cancels (headless) is no answer: the console still decides', async () => {
  const { approver, events, store } = setup({ channels: ['elicitation', 'console'] });
  const asked = approver.request(askRequest(), { elicit: async () => ({ action: 'cancel' }) });
  const ticket = await pendingTicket(store);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // Still waiting: the cancel neither denied the call nor ended the ticket.
  expect(await store.get(ticket.id)).toMatchObject({ state: 'pending' });
  expect(events.map((e) => e.type)).toEqual(['asked', 'channel-error']);
  expect(events[1]).toMatchObject({
    channel: 'elicitation',
    error: "The agent's client dismissed the approval prompt without an answer, as a headless client does",
  });
  await store.decide(ticket.id, { state: 'approved', channel: 'console', by: 'alice' });
  expect(await asked).toMatchObject({ approved: true, channel: 'console', by: 'alice' });
  expect(JSON.stringify(events)).not.toContain('The user dismissed');
});

test('elicitation: a prompt the client cancels denies at once when elicitation is the only channel, saying nobody could answer', async () => {
  const { approver, events } = setup({ channels: ['elicitation'] });
  const outcome = await approver.request(askRequest(), { elicit: async () => ({ action: 'cancel' }) });
  expect(outcome).toMatchObject({
    approved: false,
    channel: 'none',
    reason: "No approval channel could reach a person (The agent's client dismissed the approval prompt without an answer, as a headless client does)",
  });
  expect(events.map((e) => e.type)).toEqual(['asked', 'channel-error', 'answered']);
});

test('elicitation: an error denies when it was the only channel', async () => {
  const { approver, events } = setup({ channels: ['elicitation'] });
  const outcome = await approver.request(askRequest(), {
    elicit: async () => {
      throw new Error('Client does not support elicitation');
    },
  });
  expect(outcome).toMatchObject({
    approved: false,
    channel: 'none',
    reason: 'No approval channel could reach a person (The approval prompt failed: Client does not support elicitation)',
  });
  expect(events.map((e) => e.type)).toEqual(['asked', 'channel-error', 'answered']);
});

test('elicitation: an error leaves the console to answer when it is active too', async () => {
  const { approver, events, store } = setup({ channels: ['elicitation', 'console'] });
  const asked = approver.request(askRequest(), { elicit: async () => Promise.reject(new Error('Request timed out')) });
  const ticket = await pendingTicket(store);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(events.find((e) => e.type === 'channel-error')).toMatchObject({ channel: 'elicitation', error: 'The approval prompt failed: Request timed out' });
  await store.decide(ticket.id, { state: 'approved', channel: 'console', by: 'alice' });
  expect(await asked).toMatchObject({ approved: true, channel: 'console', by: 'alice' });
});

test('elicitation: when another channel answers first, the prompt is withdrawn from the client', async () => {
  const { approver, store } = setup({ channels: ['elicitation', 'console'] });
  let promptSignal: AbortSignal | undefined;
  const elicit: ElicitFunction = (_params, signal) => {
    promptSignal = signal;
    return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('Request cancelled'))));
  };
  const asked = approver.request(askRequest(), { elicit });
  const ticket = await pendingTicket(store);
  expect(promptSignal?.aborted).toBe(false);
  await store.decide(ticket.id, { state: 'denied', channel: 'console', reason: 'Not on a Friday' });
  expect(await asked).toMatchObject({ approved: false, channel: 'console', reason: 'Denied via console: Not on a Friday' });
  expect(promptSignal?.aborted).toBe(true);
});

test("an agent's elicitation answer decides only its own ticket, never another agent's", async () => {
  const { approver } = setup({ channels: ['elicitation', 'console'] });
  const approving: ElicitFunction = async () => ({ action: 'accept', content: { decision: 'approve' } });
  let releaseDecline!: () => void;
  const declining: ElicitFunction = () => new Promise((resolve) => (releaseDecline = () => resolve({ action: 'decline' })));
  const waiting = approver.request(askRequest({ agent: 'cursor', session: 'session-9' }), { elicit: declining });
  const approved = await approver.request(askRequest(), { elicit: approving });
  expect(approved).toMatchObject({ approved: true, channel: 'elicitation' });
  releaseDecline();
  const denied = await waiting;
  expect(denied).toMatchObject({ approved: false, channel: 'elicitation' });
  expect(denied.ticketId).not.toBe(approved.ticketId);
});

test('elicitation is not used when the client did not declare it: with no other channel the call is denied at once', async () => {
  const { approver, store, events } = setup({ channels: ['elicitation'] });
  const outcome = await approver.request(askRequest(), {});
  expect(outcome).toMatchObject({
    approved: false,
    channel: 'none',
    reason:
      "Approval needed but no approval channel can reach a person (approval.channels is [elicitation] and the agent's client does not support elicitation); denied",
  });
  expect(await store.list()).toEqual([]);
  expect(events.map((e) => e.type)).toEqual(['asked', 'answered']);
});

test('elicitation is not used when approval.channels leaves it out', async () => {
  const { approver, store } = setup({ channels: ['console'] });
  let prompted = false;
  const controller = new AbortController();
  const asked = approver.request(askRequest(), {
    signal: controller.signal,
    elicit: async () => {
      prompted = true;
      return { action: 'accept', content: { decision: 'approve' } };
    },
  });
  await pendingTicket(store);
  controller.abort();
  expect(await asked).toMatchObject({ approved: false, channel: 'cancelled' });
  expect(prompted).toBe(false);
});

test('non-interactive: an ask is denied at once, saying why', async () => {
  const { approver, store, events } = setup({}, true);
  let prompted = false;
  const outcome = await approver.request(askRequest(), {
    elicit: async () => {
      prompted = true;
      return { action: 'accept', content: { decision: 'approve' } };
    },
  });
  expect(outcome).toMatchObject({
    approved: false,
    channel: 'non-interactive',
    reason: 'Approval needed but mcp-warden runs non-interactively (--non-interactive, or CI=true with no approval channel configured); denied',
  });
  expect(prompted).toBe(false);
  expect(await store.list()).toEqual([]);
  expect(events.map((e) => [e.type, e.outcome?.channel])).toEqual([
    ['asked', undefined],
    ['answered', 'non-interactive'],
  ]);
});

test('non-interactive with approval.non_interactive: allow approves at once', async () => {
  const { approver } = setup({ nonInteractive: 'allow' }, true);
  expect(await approver.request(askRequest(), {})).toMatchObject({
    approved: true,
    channel: 'non-interactive',
    reason: 'Approval needed but mcp-warden runs non-interactively (--non-interactive, or CI=true with no approval channel configured); allowed by approval.non_interactive: allow',
  });
});

test('events carry who answered, through which channel and how long it took', async () => {
  const { approver, store, events } = setup({ channels: ['console'] });
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  await new Promise((resolve) => setTimeout(resolve, 30));
  await store.decide(ticket.id, { state: 'approved', channel: 'console', by: 'alice' });
  const outcome = await asked;
  expect(outcome.durationMs).toBeGreaterThanOrEqual(25);
  expect(events.map((e) => e.type)).toEqual(['asked', 'answered']);
  expect(events[0]!.ticket).toMatchObject({ id: ticket.id, state: 'pending', arguments: askRequest().arguments });
  expect(events[1]).toMatchObject({ ticket: { id: ticket.id, state: 'approved', answeredBy: 'alice' }, outcome });
});

test('close withdraws pending tickets and their requests resolve denied', async () => {
  const { approver, store } = setup({ channels: ['console'] });
  const asked = approver.request(askRequest(), {});
  const ticket = await pendingTicket(store);
  await approver.close();
  expect(await asked).toMatchObject({ approved: false, channel: 'cancelled', reason: 'The gateway shut down while the call waited for approval' });
  expect(await store.get(ticket.id)).toMatchObject({ state: 'withdrawn' });
  await approver.close();
  expect(await approver.request(askRequest(), {})).toMatchObject({ approved: false, channel: 'cancelled' });
});
