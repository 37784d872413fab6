// The webhook channel against a local receiver: it checks the HMAC signature, then answers through
// the console API as a chat bot would. A failing webhook is reported and never approves.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { MemoryTicketStore, createApprover, signWebhookBody, startConsole, type ApprovalEvent, type RunningConsole } from '../../src/approval/index.js';
import { approvalConfig, askRequest } from './helpers.js';

const SECRET = 'webhook-secret';
const TOKEN = 'webhook-test-console-token-0123456789';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  verified: boolean;
}

/** A receiver on 127.0.0.1 that verifies the signature and hands each delivery to `onDelivery`. */
async function receiver(status: number, onDelivery: (delivery: Received) => void = () => {}): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-warden-signature'] ?? ''));
      const delivery = { headers: req.headers, raw, verified: given.length === expected.length && timingSafeEqual(given, expected) };
      received.push(delivery);
      res.writeHead(delivery.verified ? status : 401).end();
      if (delivery.verified) onDelivery(delivery);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/warden`, received };
}

async function consoleFor(store: MemoryTicketStore): Promise<RunningConsole> {
  const running = await startConsole({ store, token: TOKEN });
  closers.push(() => running.close());
  return running;
}

test('a signed webhook reaches the receiver, which approves through the console API', async () => {
  const store = new MemoryTicketStore();
  const running = await consoleFor(store);
  const { url, received } = await receiver(200, (delivery) => {
    const payload = JSON.parse(delivery.raw) as { approve_url: string };
    // The receiver (a chat bot, say) holds the console token and answers for its user.
    void fetch(payload.approve_url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'alice in #deploys', via: 'webhook' }),
    });
  });
  const approver = createApprover(approvalConfig({ channels: ['webhook'] }), { nonInteractive: false, store, consoleUrl: () => running.url });
  closers.push(() => approver.close());

  const outcome = await approver.request(askRequest(), { webhooks: [{ url, secret: SECRET }] });
  expect(outcome).toMatchObject({ approved: true, channel: 'webhook', by: 'alice in #deploys', reason: 'Approved by alice in #deploys via webhook' });

  expect(received).toHaveLength(1);
  const [delivery] = received;
  expect(delivery!.verified).toBe(true);
  expect(delivery!.headers['content-type']).toBe('application/json');
  expect(Math.abs(Number(delivery!.headers['x-warden-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
  expect(delivery!.headers['x-warden-signature']).toBe(signWebhookBody(delivery!.raw, SECRET));
  const payload = JSON.parse(delivery!.raw) as { text: string };
  expect(payload).toMatchObject({
    type: 'mcp-warden.approval.asked',
    ticket: { id: outcome.ticketId, agent: 'claude-code', server: 'fs', tool: 'write_file', arguments: askRequest().arguments, state: 'pending' },
    console_url: `${running.url}#ticket-${outcome.ticketId}`,
    approve_url: `${running.url}/api/tickets/${outcome.ticketId}/approve`,
    deny_url: `${running.url}/api/tickets/${outcome.ticketId}/deny`,
  });
  expect(payload.text).toBe(
    [
      'mcp-warden: agent `claude-code` (`prod`) asks to call `fs/write_file`.',
      'Why: `Calls that write need approval in environment "prod"`',
      'Arguments: `{"path":"notes/todo.md","content":"ship it &lt;b&gt;now&lt;/b&gt;"}`',
      `Approve or deny: ${running.url}#ticket-${outcome.ticketId}`,
      'Denied automatically after 1m.',
    ].join('\n'),
  );
});

test('a multi-line string argument follows the JSON line as a text block, line by line', async () => {
  const store = new MemoryTicketStore();
  const hook = await receiver(200);
  const approver = createApprover(approvalConfig({ channels: ['console'], timeoutMs: 300 }), { nonInteractive: false, store });
  closers.push(() => approver.close());
  const command = 'set -euo pipefail\r\nnpm ci\ngit push --force origin `git branch --show-current` # <!channel>';
  const request = askRequest({ server: 'shell', tool: 'run', arguments: { command, cwd: '/srv/app', note: 'one line' } });
  const outcome = await approver.request(request, { webhooks: [{ url: hook.url, secret: SECRET }] });
  expect(outcome).toMatchObject({ approved: false, channel: 'timeout' });

  const { text, ticket } = JSON.parse(hook.received[0]!.raw) as { text: string; ticket: { id: string; arguments: unknown } };
  expect(ticket.arguments).toEqual({ command, cwd: '/srv/app', note: 'one line' });
  expect(text.split('\n')).toEqual([
    'mcp-warden: agent `claude-code` (`prod`) asks to call `shell/run`.',
    'Why: `Calls that write need approval in environment "prod"`',
    'Arguments: `{"command":"set -euo pipefail\\r\\nnpm ci\\ngit push --force origin \u02cbgit branch --show-current\u02cb # &lt;!channel&gt;","cwd":"/srv/app","note":"one line"}`',
    '`command` as text, 3 lines:',
    '```',
    'set -euo pipefail',
    'npm ci',
    'git push --force origin \u02cbgit branch --show-current\u02cb # &lt;!channel&gt;',
    '```',
    `Approve or deny with: mcp-warden approvals approve ${ticket.id}`,
    'Denied automatically after 300ms.',
  ]);
});

test('the agent\'s and the environment\'s webhooks are each posted to', async () => {
  const store = new MemoryTicketStore();
  const agentHook = await receiver(200);
  const envHook = await receiver(200);
  const approver = createApprover(approvalConfig({ channels: ['console'], timeoutMs: 300 }), { nonInteractive: false, store });
  closers.push(() => approver.close());
  const outcome = await approver.request(askRequest(), { webhooks: [{ url: agentHook.url, secret: SECRET }, { url: envHook.url, secret: SECRET }] });
  expect(outcome).toMatchObject({ approved: false, channel: 'timeout' });
  expect(agentHook.received.map((d) => d.verified)).toEqual([true]);
  expect(envHook.received.map((d) => d.verified)).toEqual([true]);
});

test('a failing webhook is reported and approves nothing; as the only channel it denies', async () => {
  const store = new MemoryTicketStore();
  const failing = await receiver(500);
  const events: ApprovalEvent[] = [];
  const approver = createApprover(approvalConfig({ channels: ['webhook'] }), { nonInteractive: false, store, events: { onEvent: (e) => events.push(e) } });
  closers.push(() => approver.close());
  const outcome = await approver.request(askRequest(), { webhooks: [{ url: failing.url, secret: SECRET }, { url: 'http://127.0.0.1:1/unreachable' }] });
  expect(outcome).toMatchObject({ approved: false, channel: 'none' });
  expect(outcome.reason).toMatch(/^No approval channel could reach a person \(Webhook "http:\/\/127\.0\.0\.1:\d+\/…" (answered HTTP 500|could not be reached: .*)\)$/);
  const errors = events.filter((e) => e.type === 'channel-error');
  expect(errors).toHaveLength(2);
  expect(errors.map((e) => e.channel)).toEqual(['webhook', 'webhook']);
  expect(errors.map((e) => e.error).sort()).toEqual([
    expect.stringMatching(/^Webhook "http:\/\/127\.0\.0\.1:1\/…" could not be reached: /),
    expect.stringMatching(/^Webhook "http:\/\/127\.0\.0\.1:\d+\/…" answered HTTP 500$/),
  ]);
});

test('a failing webhook leaves the console to answer when it is active too', async () => {
  const store = new MemoryTicketStore();
  const running = await consoleFor(store);
  const failing = await receiver(503);
  const events: ApprovalEvent[] = [];
  const approver = createApprover(approvalConfig({ channels: ['console', 'webhook'] }), { nonInteractive: false, store, events: { onEvent: (e) => events.push(e) } });
  closers.push(() => approver.close());
  const asked = approver.request(askRequest(), { webhooks: [{ url: failing.url, secret: SECRET }] });
  await expect.poll(() => events.some((e) => e.type === 'channel-error')).toBe(true);
  const [ticket] = await store.list();
  const res = await fetch(`${running.url}/api/tickets/${ticket!.id}/deny`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'Checked it, no' }),
  });
  expect(res.status).toBe(200);
  expect(await asked).toMatchObject({ approved: false, channel: 'console', reason: 'Denied via console: Checked it, no' });
});
