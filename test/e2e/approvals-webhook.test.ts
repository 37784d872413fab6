// Webhooks end to end: the running gateway POSTs each ask to a real local receiver (node:http on
// 127.0.0.1:0), signed with HMAC-SHA256. The receiver checks the signature and answers through the
// console API URL in the payload, as a chat bot would; a failing webhook approves nothing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  readAudit,
  connectHttp,
  connectStdio,
  consoleLoginUrl,
  eventually,
  readTickets,
  runWarden,
  startHttpGateway,
  textOf,
  writeConfig,
  type HttpGateway,
  type StdioConnection,
} from './harness.js';

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  payload: {
    type: string;
    sent_at: string;
    text: string;
    ticket: { id: string; agent: string; environment: string; server: string; tool: string; arguments: Record<string, unknown>; argumentsSha256: string; expiresAt: number };
    console_url?: string;
    approve_url?: string;
    deny_url?: string;
  };
}

const SECRETS: Record<string, string> = { '/global': 'global-secret-0123', '/env': 'env-secret-4567' };

let receiver: Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];
/** What the receiver answers with, by path. */
const statusFor: Record<string, number> = {};

let httpConfig: { dir: string; file: string };
let gateway: HttpGateway;
let agent: Client;
let consoleToken: string;

let stdioConfig: { dir: string; file: string };
let stdioAgent: StdioConnection;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      deliveries.push({ path: req.url ?? '', headers: req.headers, body, payload: JSON.parse(body) as Delivery['payload'] });
      res.writeHead(statusFor[req.url ?? ''] ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  httpConfig = writeConfig(`
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
    token: token-dev
environments:
  prod:
    safety: full
    webhook: { url: "${receiverUrl}/env", secret: ${SECRETS['/env']} }
approval:
  channels: [console, webhook]
  timeout: 60s
  webhook: { url: "${receiverUrl}/global", secret: ${SECRETS['/global']} }
`);
  gateway = await startHttpGateway(httpConfig);
  consoleToken = new URL(await consoleLoginUrl(gateway.stderr)).searchParams.get('token')!;
  agent = await connectHttp(gateway.url, 'token-dev');

  // A stdio gateway whose only channel is the agent's own webhook: no console, no signature.
  stdioConfig = writeConfig(`
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  ops:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
    webhook: { url: "${receiverUrl}/agent" }
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
approval: { channels: [], timeout: 60s }
`);
  stdioAgent = await connectStdio(stdioConfig, 'ops');
});

afterAll(async () => {
  await agent?.close();
  await gateway?.stop();
  await stdioAgent?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** The receiver's check: the HMAC of the raw body with the path's secret, in constant time. */
function signatureValid(delivery: Delivery): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRETS[delivery.path]!).update(delivery.body).digest('hex')}`);
  const given = Buffer.from(String(delivery.headers['x-warden-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function deliveriesFor(argPath: string, count: number): Promise<Delivery[]> {
  await eventually(() => deliveries.filter((d) => d.payload.ticket.arguments.path === argPath).length >= count, 15_000);
  return deliveries.filter((d) => d.payload.ticket.arguments.path === argPath);
}

function post(url: string, body: unknown, token = consoleToken): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
}

test('the global and the environment webhook get the signed ticket; the receiver approves through approve_url and the call completes', async () => {
  const args = { path: 'deploy.txt', text: 'release 1.2.3' };
  const call = agent.callTool({ name: 'echo_write_note', arguments: args });
  const received = await deliveriesFor('deploy.txt', 2);
  expect(received.map((d) => d.path).sort()).toEqual(['/env', '/global']);

  const base = gateway.url.replace(/\/mcp$/, '/approvals');
  for (const delivery of received) {
    expect(signatureValid(delivery)).toBe(true);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['user-agent']).toBe('mcp-warden');
    expect(Math.abs(Number(delivery.headers['x-warden-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const { payload } = delivery;
    const id = payload.ticket.id;
    expect(payload).toMatchObject({
      type: 'mcp-warden.approval.asked',
      ticket: { agent: 'dev', environment: 'prod', server: 'echo', tool: 'write_note', arguments: args },
      console_url: `${base}#ticket-${id}`,
      approve_url: `${base}/api/tickets/${id}/approve`,
      deny_url: `${base}/api/tickets/${id}/deny`,
    });
    expect(Math.abs(Date.parse(payload.sent_at) - Date.now())).toBeLessThan(60_000);
    expect(payload.text.split('\n')).toEqual([
      'mcp-warden: agent `dev` (`prod`) asks to call `echo/write_note`.',
      'Why: `"echo/write_note" matches the ask rule "echo/write_note", so a person must approve it`',
      `Arguments: \`${JSON.stringify(args)}\``,
      `Approve or deny: ${base}#ticket-${id}`,
      'Denied automatically after 1m.',
    ]);
  }
  const [delivery] = received;
  const id = delivery!.payload.ticket.id;
  expect(received[1]!.payload.ticket.id).toBe(id);
  // A tampered body no longer matches its signature.
  expect(signatureValid({ ...delivery!, body: delivery!.body.replace('release 1.2.3', 'release 6.6.6') })).toBe(false);

  // A forged token is refused and approves nothing.
  const forged = await post(delivery!.payload.approve_url!, { via: 'webhook' }, 'not-the-token');
  expect(forged.status).toBe(401);
  expect(readTickets(httpConfig.dir).find((t) => t.id === id)!.state).toBe('pending');

  const approved = await post(delivery!.payload.approve_url!, { via: 'webhook', by: 'alice in #deploys' });
  expect(approved.status).toBe(200);
  expect(((await approved.json()) as { ticket: { state: string } }).ticket.state).toBe('approved');

  const result = await call;
  expect(result.isError).toBeFalsy();
  expect(textOf(result)).toBe('would write 13 characters to deploy.txt');
  expect(readTickets(httpConfig.dir).find((t) => t.id === id)).toMatchObject({ state: 'approved', answer: { channel: 'webhook', by: 'alice in #deploys' } });

  // The second receiver's answer, or a replay, comes too late.
  const replay = await post(received[1]!.payload.deny_url!, { via: 'webhook', reason: 'too late' });
  expect(replay.status).toBe(409);
  expect(((await replay.json()) as { error: string }).error).toBe(`Ticket "${id}" was already decided: approved via webhook by "alice in #deploys"`);
});

test('the receiver denies through deny_url with a reason, and the reason reaches the agent', async () => {
  const call = agent.callTool({ name: 'echo_write_note', arguments: { path: 'prod-db.txt', text: 'drop' } });
  const [delivery] = await deliveriesFor('prod-db.txt', 1);
  expect(signatureValid(delivery!)).toBe(true);

  const denied = await post(delivery!.payload.deny_url!, { via: 'webhook', by: 'bob in #ops', reason: 'not during the freeze' });
  expect(denied.status).toBe(200);

  const result = await call;
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/^mcp-warden denied the call to "echo\/write_note"\.\n/);
  expect(textOf(result)).toMatch(/\nApproval was not given: Denied by bob in #ops via webhook: not during the freeze$/m);
});

test("an agent's own webhook is posted even with no approval channel; without a console it points to the CLI", async () => {
  const call = stdioAgent.client.callTool({ name: 'echo_write_note', arguments: { path: 'agent-hook.txt', text: 'from ops' } });
  const [delivery] = await deliveriesFor('agent-hook.txt', 1);
  expect(delivery!.path).toBe('/agent');
  expect(delivery!.headers['x-warden-signature']).toBeUndefined();
  const { ticket } = delivery!.payload;
  expect(delivery!.payload.approve_url).toBeUndefined();
  expect(delivery!.payload.text).toContain(`\nApprove or deny with: mcp-warden approvals approve ${ticket.id}\n`);
  expect(ticket).toMatchObject({ agent: 'ops', environment: 'dev' });

  const cli = await runWarden(stdioConfig.dir, ['approvals', 'approve', ticket.id]);
  expect(cli.code).toBe(0);
  expect(textOf(await call)).toBe('would write 8 characters to agent-hook.txt');
});

test('arguments cannot inject Slack markup: every control sequence arrives escaped inside a code span the input cannot close', async () => {
  const attacks = {
    path: 'slack-<!channel>.txt',
    text: '<!channel> <!here> <@U024BE7LH> see <https://evil.example/ok|Approve here> & ```\n*bold* _it_ ~no~ `tick`\u2028> quote\u202Eevil',
  };
  const call = stdioAgent.client.callTool({ name: 'echo_write_note', arguments: attacks });
  const [delivery] = await deliveriesFor(attacks.path, 1);
  const { text, ticket } = delivery!.payload;
  // The JSON fields stay exact data; only the Slack text is escaped.
  expect(ticket.arguments).toEqual(attacks);
  expect(text).not.toMatch(/[<>]/);
  expect(text.split('\n')).toEqual([
    'mcp-warden: agent `ops` (`dev`) asks to call `echo/write_note`.',
    'Why: `"echo/write_note" matches the ask rule "echo/write_note", so a person must approve it`',
    'Arguments: `{"path":"slack-&lt;!channel&gt;.txt","text":"&lt;!channel&gt; &lt;!here&gt; &lt;@U024BE7LH&gt; see &lt;https://evil.example/ok|Approve here&gt; &amp; \u02cb\u02cb\u02cb\\n*bold* _it_ ~no~ \u02cbtick\u02cb\\u2028&gt; quote\\u202eevil"}`',
    // The multi-line text again as a block: the same escapes, and the block cannot be closed from inside.
    '`text` as text, 2 lines:',
    '```',
    '&lt;!channel&gt; &lt;!here&gt; &lt;@U024BE7LH&gt; see &lt;https://evil.example/ok|Approve here&gt; &amp; \u02cb\u02cb\u02cb',
    '*bold* _it_ ~no~ \u02cbtick\u02cb\\u2028&gt; quote\\u202eevil',
    '```',
    `Approve or deny with: mcp-warden approvals approve ${ticket.id}`,
    'Denied automatically after 1m.',
  ]);
  const cli = await runWarden(stdioConfig.dir, ['approvals', 'deny', ticket.id, '--reason', 'markup']);
  expect(cli.code).toBe(0);
  expect((await call).isError).toBe(true);
});

test('a webhook that fails approves nothing: with no other channel the call is denied at once, and the audit log says why', async () => {
  statusFor['/agent'] = 500;
  try {
    const started = Date.now();
    const result = await stdioAgent.client.callTool({ name: 'echo_write_note', arguments: { path: 'broken-hook.txt', text: 'x' } });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.isError).toBe(true);
    const host = new URL(receiverUrl).host;
    expect(textOf(result)).toMatch(
      new RegExp(`\\nApproval was not given: No approval channel could reach a person \\(Webhook "http://${host.replace('.', '\\.')}/…" answered HTTP 500\\)$`, 'm'),
    );
    const [ticket] = readTickets(stdioConfig.dir).filter((t) => t.arguments.path === 'broken-hook.txt');
    expect(ticket).toMatchObject({ state: 'denied', answer: { channel: 'none' } });

    const audit = () => readAudit(stdioConfig.dir);
    await eventually(() => audit().some((line) => line.event === 'call' && line.approval?.ticket === ticket!.id));
    expect(audit().filter((line) => line.decision_id === ticket!.id).map((line) => line.outcome)).toEqual(['asked', 'error', 'denied']);
    expect(audit().find((line) => line.decision_id === ticket!.id && line.outcome === 'error')!.error).toBe(`webhook: Webhook "http://${host}/…" answered HTTP 500`);
  } finally {
    delete statusFor['/agent'];
  }
});
