// Approval through MCP elicitation, end to end: the real SDK client declares (or does not declare)
// elicitation, the built gateway runs as a child over stdio, and the fixture upstream does the work.
// The prompt shows the exact call; only accept + approve forwards it; anything else is a denial.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CancelledNotificationSchema, ElicitRequestSchema, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { connectStdio, readTickets, runWarden, sourceIn, textOf, waitForTicket, writeConfig, type StdioConnection } from './harness.js';
import { NEXT_STEP } from '../../src/gateway/denial.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo, stats]
agents:
  dev:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
environments:
  dev: { safety: full }
approval: { channels: [elicitation], timeout: 30s }
`;
const ASK_SOURCE = sourceIn(CONFIG, 'ask:', '"echo/write_note"');
const ASK_REASON = `- "echo/write_note" matches the ask rule "echo/write_note", so a person must approve it [name: ask: "echo/write_note" at ${ASK_SOURCE}]`;

type Prompt = ElicitRequest['params'] & { message: string; requestedSchema: { properties: Record<string, { enum?: string[] }> } };

let config: { dir: string; file: string };
let agent: StdioConnection;
const prompts: Prompt[] = [];
/** notifications/cancelled the gateway sent the client (withdrawn prompts). */
const cancels: unknown[] = [];
let answer: (prompt: Prompt) => ElicitResult | Promise<ElicitResult> = () => ({ action: 'decline' });

beforeAll(async () => {
  config = writeConfig(CONFIG);
  agent = await connectStdio(config, 'dev', {
    capabilities: { elicitation: {} },
    setup: (client) => {
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        const prompt = request.params as Prompt;
        prompts.push(prompt);
        return answer(prompt);
      });
      client.setNotificationHandler(CancelledNotificationSchema, (notification) => void cancels.push(notification.params));
    },
  });
});
afterAll(async () => {
  await agent?.close();
});

/** How many calls the fixture upstream has run, read through an allowed call. */
async function upstreamCalls(): Promise<number> {
  return (JSON.parse(textOf(await agent.client.callTool({ name: 'echo_stats', arguments: {} }))) as { calls: number }).calls;
}

function ticketIdOf(prompt: Prompt): string {
  return /Ticket ([a-z2-7]{26});/.exec(prompt.message)![1]!;
}

test('the prompt shows the tool and the exact arguments; accept with approve forwards the call', async () => {
  answer = () => ({ action: 'accept', content: { decision: 'approve', remember: false } });
  const args = { path: 'notes/today.md', text: 'Ship it "now"\n<b>bold</b>', nested: { z: 1, a: [true, null] } };
  const before = prompts.length;

  const result = await agent.client.callTool({ name: 'echo_write_note', arguments: args });

  expect(result.isError).toBeFalsy();
  expect(textOf(result)).toBe(`would write ${args.text.length} characters to notes/today.md`);
  expect(prompts.length).toBe(before + 1);
  const prompt = prompts.at(-1)!;
  const id = ticketIdOf(prompt);
  expect(prompt.message).toBe(
    [
      'mcp-warden: approve this tool call?',
      '',
      'Tool: echo/write_note',
      'Agent: dev in environment "dev"',
      'Why it asks:',
      `- "echo/write_note" matches the ask rule "echo/write_note", so a person must approve it (ask: "echo/write_note", ${ASK_SOURCE})`,
      'Arguments, exactly as they will be forwarded:',
      JSON.stringify(args, null, 2),
      '',
      `Ticket ${id}; unanswered, it is denied after 30s.`,
    ].join('\n'),
  );
  expect(prompt.requestedSchema.properties.decision!.enum).toEqual(['approve', 'deny']);
  expect(Object.keys(prompt.requestedSchema.properties)).toEqual(['decision', 'remember']);

  const ticket = readTickets(config.dir).find((t) => t.id === id)!;
  expect(ticket).toMatchObject({ state: 'approved', agent: 'dev', server: 'echo', tool: 'write_note', arguments: args, answer: { channel: 'elicitation' } });
  // The prompt was answered, so nothing withdraws it afterwards (a stray cancel used to follow).
  await agent.client.callTool({ name: 'echo_stats', arguments: {} });
  expect(cancels).toEqual([]);
});

test('decline denies: an isError result saying mcp-warden denied it, and the upstream never sees the call', async () => {
  answer = () => ({ action: 'decline' });
  const calls = await upstreamCalls();

  const result = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'a.txt', text: 'no' } });

  expect(result.isError).toBe(true);
  expect(textOf(result)).toBe(
    [
      'mcp-warden denied the call to "echo/write_note".',
      ASK_REASON,
      'Approval was not given: Denied via elicitation: The user declined the approval prompt',
      NEXT_STEP,
    ].join('\n'),
  );
  expect(await upstreamCalls()).toBe(calls);
  const id = ticketIdOf(prompts.at(-1)!);
  expect(readTickets(config.dir).find((t) => t.id === id)).toMatchObject({
    state: 'denied',
    answer: { channel: 'elicitation', reason: 'The user declined the approval prompt' },
  });
});

test('accept with "deny" is a denial too; a cancel with no other channel is denied as unanswerable, not as a person\'s no', async () => {
  const calls = await upstreamCalls();
  answer = () => ({ action: 'accept', content: { decision: 'deny' } });
  const chosen = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'b.txt', text: 'no' } });
  answer = () => ({ action: 'cancel' });
  const dismissed = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'c.txt', text: 'no' } });

  expect(chosen.isError).toBe(true);
  expect(textOf(chosen)).toContain('Approval was not given: Denied via elicitation: The user chose deny in the approval prompt');
  expect(dismissed.isError).toBe(true);
  expect(textOf(dismissed)).toContain(
    "Approval was not given: No approval channel could reach a person (The agent's client dismissed the approval prompt without an answer, as a headless client does)",
  );
  expect(textOf(dismissed)).not.toContain('The user dismissed');
  expect(await upstreamCalls()).toBe(calls);
});

test('accept with approve and "remember" passes the identical call later without a prompt; other arguments are asked again', async () => {
  answer = () => ({ action: 'accept', content: { decision: 'approve', remember: true } });
  const args = { path: 'remember.md', text: 'twice' };
  const before = prompts.length;
  expect(textOf(await agent.client.callTool({ name: 'echo_write_note', arguments: args }))).toBe('would write 5 characters to remember.md');
  expect(textOf(await agent.client.callTool({ name: 'echo_write_note', arguments: args }))).toBe('would write 5 characters to remember.md');
  expect(prompts.length).toBe(before + 1);

  answer = () => ({ action: 'decline' });
  const other = await agent.client.callTool({ name: 'echo_write_note', arguments: { ...args, text: 'thrice' } });
  expect(other.isError).toBe(true);
  expect(prompts.length).toBe(before + 2);
});

test('a prompt that fails in the client denies at once when elicitation is the only channel', async () => {
  answer = () => {
    throw new Error('the form could not be shown');
  };
  const started = Date.now();
  const result = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'd.txt', text: 'no' } });

  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(
    /^Approval was not given: No approval channel could reach a person \(The approval prompt failed: .*the form could not be shown\)$/m,
  );
  expect(Date.now() - started).toBeLessThan(15_000); // far from the 30 s timeout
});

test('a client that does not declare elicitation is denied at once with the reason, and no ticket is opened', async () => {
  const plain = await connectStdio(config, 'dev');
  try {
    const tickets = readTickets(config.dir).length;
    const started = Date.now();
    const result = await plain.client.callTool({ name: 'echo_write_note', arguments: { path: 'e.txt', text: 'no' } });

    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      [
        'mcp-warden denied the call to "echo/write_note".',
        ASK_REASON,
        "Approval was not given: Approval needed but no approval channel can reach a person (approval.channels is [elicitation] and the agent's client does not support elicitation); denied",
        NEXT_STEP,
      ].join('\n'),
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(readTickets(config.dir).length).toBe(tickets);
  } finally {
    await plain.close();
  }
});

test('with the console open too, decline still denies; when the CLI answers first, the prompt is withdrawn from the client', async () => {
  const mixed = writeConfig(CONFIG.replace('channels: [elicitation]', 'channels: [elicitation, console]'));
  const signals: AbortSignal[] = [];
  const waiting = await connectStdio(mixed, 'dev', {
    capabilities: { elicitation: {} },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, (_request, extra) => {
        signals.push(extra.signal);
        // The first prompt is declined; later ones are never looked at and end only when withdrawn.
        if (signals.length === 1) return { action: 'decline' };
        return new Promise<ElicitResult>((resolve) => extra.signal.addEventListener('abort', () => resolve({ action: 'cancel' })));
      }),
  });
  try {
    // The first prompt also moves the gateway's request ids past 0: the SDK client (1.32.2) ignores
    // notifications/cancelled for request id 0 (`if (!notification.params.requestId) return`).
    const declined = await waiting.client.callTool({ name: 'echo_write_note', arguments: { path: 'f.txt', text: 'declined' } });
    expect(declined.isError).toBe(true);
    expect(textOf(declined)).toContain('Approval was not given: Denied via elicitation: The user declined the approval prompt');

    const call = waiting.client.callTool({ name: 'echo_write_note', arguments: { path: 'f.txt', text: 'via cli' } });
    const ticket = await waitForTicket(mixed.dir);
    await expect.poll(() => signals.length, { timeout: 10_000 }).toBe(2);

    const cli = await runWarden(mixed.dir, ['approvals', 'approve', ticket.id]);
    expect(cli.code).toBe(0);

    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('would write 7 characters to f.txt');
    await expect.poll(() => signals[1]!.aborted, { timeout: 10_000 }).toBe(true);
    expect(readTickets(mixed.dir).find((t) => t.id === ticket.id)).toMatchObject({ state: 'approved', answer: { channel: 'cli' } });
  } finally {
    await waiting.close();
  }
});

test('a headless client that cancels every prompt at once: the ticket keeps waiting, and the CLI lets the call through', async () => {
  const mixed = writeConfig(CONFIG.replace('channels: [elicitation]', 'channels: [elicitation, console]'));
  let prompted = 0;
  const headless = await connectStdio(mixed, 'dev', {
    capabilities: { elicitation: {} },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, () => {
        prompted++;
        return { action: 'cancel' };
      }),
  });
  try {
    const call = headless.client.callTool({ name: 'echo_write_note', arguments: { path: 'g.txt', text: 'headless' } });
    const ticket = await waitForTicket(mixed.dir);
    await expect.poll(() => prompted, { timeout: 10_000 }).toBe(1);
    // The cancel has come back; the ticket must outlive it rather than be denied by it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readTickets(mixed.dir).find((t) => t.id === ticket.id)).toMatchObject({ state: 'pending' });

    const cli = await runWarden(mixed.dir, ['approvals', 'approve', ticket.id]);
    expect(cli.code).toBe(0);

    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('would write 8 characters to g.txt');
    expect(readTickets(mixed.dir).find((t) => t.id === ticket.id)).toMatchObject({ state: 'approved', answer: { channel: 'cli' } });
  } finally {
    await headless.close();
  }
});
