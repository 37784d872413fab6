// The approval console in real headless Chromium against the running gateway: the HTTP front mounts it
// under /approvals on its own port, a stdio gateway serves it on a port of its own; both print the login
// link on stderr. A waiting call appears without a reload, and the buttons decide the agent's call.
// Skipped only when /usr/bin/chromium is missing.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  pendingFor,
  connectHttp,
  connectStdio,
  consoleLoginUrl,
  readTickets,
  startHttpGateway,
  textOf,
  waitForTicket,
  writeConfig,
  type HttpGateway,
  type StdioConnection,
} from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`Skipping the console tests in Chromium: ${CHROMIUM} is not installed (apt-get install chromium)`);

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
    token: token-dev
environments:
  staging: { safety: full }
approval: { channels: [console], timeout: 60s }
`;

let browser: Browser;
let http: { config: { dir: string; file: string }; gateway: HttpGateway; agent: Client; page: Page; loginUrl: string };
let stdio: { config: { dir: string; file: string }; agent: StdioConnection; page: Page };

/** A fresh browser context logged in through the printed link; the token leaves the address bar. */
async function openConsole(loginUrl: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1180, height: 900 } });
  const page = await context.newPage();
  await page.goto(loginUrl);
  const base = loginUrl.replace(/\?token=.*$/, '');
  expect(page.url()).toBe(base);
  await page.locator('#empty').waitFor({ timeout: 10_000 });
  // Set once: still there later proves the ticket came in without a reload.
  await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'same page'));
  return page;
}

async function stillSamePage(page: Page): Promise<void> {
  expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('same page');
}

beforeAll(async () => {
  if (missing) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const httpConfig = writeConfig(CONFIG);
  const gateway = await startHttpGateway(httpConfig);
  const httpLogin = await consoleLoginUrl(gateway.stderr);
  expect(httpLogin).toMatch(new RegExp(`^${gateway.url.replace(/\/mcp$/, '/approvals').replaceAll('.', '\\.')}\\?token=[A-Za-z0-9_%-]+$`));
  http = { config: httpConfig, gateway, agent: await connectHttp(gateway.url, 'token-dev'), page: await openConsole(httpLogin), loginUrl: httpLogin };

  const stdioConfig = writeConfig(CONFIG);
  const agent = await connectStdio(stdioConfig, 'dev');
  const stdioLogin = await consoleLoginUrl(agent.stderr);
  expect(stdioLogin).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/approvals\?token=[A-Za-z0-9_%-]+$/);
  expect(new URL(stdioLogin).port).not.toBe('8788'); // MCP_WARDEN_CONSOLE_PORT=0 in tests
  stdio = { config: stdioConfig, agent, page: await openConsole(stdioLogin) };
});

afterAll(async () => {
  await browser?.close();
  await http?.agent.close();
  await http?.gateway.stop();
  await stdio?.agent.close();
});


test.skipIf(missing)('HTTP gateway: the waiting call appears without a reload, with its exact arguments; Approve completes it', async () => {
  const { page, agent, config } = http;
  const args = { path: 'docs/release.md', text: '# Release\n<img src=x onerror=alert(1)>' };
  const call = agent.callTool({ name: 'echo_write_note', arguments: args });
  const ticket = await waitForTicket(config.dir, pendingFor('docs/release.md'));

  const card = page.locator(`#ticket-${ticket.id}`);
  await card.waitFor({ timeout: 10_000 });
  await stillSamePage(page);
  expect(await card.locator('.tool').textContent()).toBe('echo/write_note');
  expect(await card.textContent()).toContain('agent dev');
  expect(await card.textContent()).toContain('env staging');
  expect(await card.textContent()).toContain('"echo/write_note" matches the ask rule "echo/write_note", so a person must approve it');
  expect(await card.locator('pre.args').textContent()).toBe(JSON.stringify(args, null, 2));
  expect(await page.locator('img').count()).toBe(0);

  await card.getByRole('button', { name: 'Approve' }).click();
  const result = await call;
  expect(result.isError).toBeFalsy();
  expect(textOf(result)).toBe(`would write ${args.text.length} characters to docs/release.md`);
  await card.waitFor({ state: 'detached', timeout: 10_000 });
  await expect.poll(() => page.locator(`#history tr[data-id="${ticket.id}"]`).textContent(), { timeout: 10_000 }).toContain('approved');
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)).toMatchObject({ state: 'approved', answer: { channel: 'console' } });
  await stillSamePage(page);
});

test.skipIf(missing)('HTTP gateway: a second call, Deny with a reason, and the agent gets the denial with that reason', async () => {
  const { page, agent, config } = http;
  const call = agent.callTool({ name: 'echo_write_note', arguments: { path: 'prod/secrets.env', text: 'TOKEN=1' } });
  const ticket = await waitForTicket(config.dir, pendingFor('prod/secrets.env'));
  const card = page.locator(`#ticket-${ticket.id}`);
  await card.waitFor({ timeout: 10_000 });

  await card.getByPlaceholder('Reason for denying (optional)').fill('Not the production secrets');
  await card.getByRole('button', { name: 'Deny' }).click();
  const result = await call;
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/^mcp-warden denied the call to "echo\/write_note"\.\n/);
  expect(textOf(result)).toMatch(/\nApproval was not given: Denied via console: Not the production secrets$/m);
  await expect.poll(() => page.locator(`#history tr[data-id="${ticket.id}"]`).textContent(), { timeout: 10_000 }).toContain('Not the production secrets');
  await stillSamePage(page);
});

test.skipIf(missing)('stdio gateway: the console on its own port shows the call; Approve completes it and Deny denies the next', async () => {
  const { page, agent, config } = stdio;
  const approvedCall = agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'stdio-ok.txt', text: 'yes' } });
  const first = await waitForTicket(config.dir, pendingFor('stdio-ok.txt'));
  const card = page.locator(`#ticket-${first.id}`);
  await card.waitFor({ timeout: 10_000 });
  expect(await card.locator('pre.args').textContent()).toBe(JSON.stringify({ path: 'stdio-ok.txt', text: 'yes' }, null, 2));
  await card.getByRole('button', { name: 'Approve' }).click();
  expect(textOf(await approvedCall)).toBe('would write 3 characters to stdio-ok.txt');

  const deniedCall = agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'stdio-no.txt', text: 'no' } });
  const second = await waitForTicket(config.dir, pendingFor('stdio-no.txt'));
  const secondCard = page.locator(`#ticket-${second.id}`);
  await secondCard.waitFor({ timeout: 10_000 });
  await secondCard.getByRole('button', { name: 'Deny' }).click();
  const denied = await deniedCall;
  expect(denied.isError).toBe(true);
  expect(textOf(denied)).toMatch(/\nApproval was not given: Denied via console: No reason given$/m);
  await stillSamePage(page);
});

test.skipIf(missing)('HTTP gateway: a call the agent cancels disappears from the page and cannot be approved', async () => {
  const { page, agent, config } = http;
  const controller = new AbortController();
  const call = agent.callTool({ name: 'echo_write_note', arguments: { path: 'cancel-me.txt', text: 'oops' } }, undefined, { signal: controller.signal });
  const ticket = await waitForTicket(config.dir, pendingFor('cancel-me.txt'));
  const card = page.locator(`#ticket-${ticket.id}`);
  await card.waitFor({ timeout: 10_000 });

  controller.abort(new Error('changed my mind'));
  await expect(call).rejects.toThrow('changed my mind');
  await card.waitFor({ state: 'detached', timeout: 10_000 });
  await expect.poll(() => page.locator(`#history tr[data-id="${ticket.id}"]`).textContent(), { timeout: 10_000 }).toContain('withdrawn');
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)).toMatchObject({
    state: 'withdrawn',
    answer: { channel: 'cancelled', reason: 'The agent cancelled the call while it waited for approval' },
  });
  // Through the console API, as a script or bot would: 409, nothing approved.
  const login = new URL(http.loginUrl);
  const late = await fetch(`${login.origin}${login.pathname}/api/tickets/${ticket.id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${login.searchParams.get('token')}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(late.status).toBe(409);
  expect(((await late.json()) as { error: string }).error).toBe(
    `Ticket "${ticket.id}" was already decided: withdrawn via cancelled (The agent cancelled the call while it waited for approval)`,
  );
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)!.state).toBe('withdrawn');
  await stillSamePage(page);
});

test.skipIf(missing)('stdio gateway: Approve with "Remember for this session" lets the identical call through without a new ticket', async () => {
  const { page, agent, config } = stdio;
  const args = { path: 'remembered.txt', text: 'again and again' };
  const first = agent.client.callTool({ name: 'echo_write_note', arguments: args });
  const ticket = await waitForTicket(config.dir, pendingFor('remembered.txt'));
  const card = page.locator(`#ticket-${ticket.id}`);
  await card.waitFor({ timeout: 10_000 });
  await card.getByRole('checkbox').check();
  await card.getByRole('button', { name: 'Approve' }).click();
  expect(textOf(await first)).toBe('would write 15 characters to remembered.txt');
  expect(readTickets(config.dir).find((t) => t.id === ticket.id)).toMatchObject({ state: 'approved', answer: { channel: 'console', remember: true } });

  expect(textOf(await agent.client.callTool({ name: 'echo_write_note', arguments: args }))).toBe('would write 15 characters to remembered.txt');
  expect(readTickets(config.dir).filter((t) => t.arguments.path === 'remembered.txt').map((t) => t.id)).toEqual([ticket.id]);
});
