// The approval console in real headless Chromium: a pending call appears without a reload, and the
// Approve and Deny buttons resolve the waiting request. Skipped only when /usr/bin/chromium is missing.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MemoryTicketStore, createApprover, startConsole, type Approver, type RunningConsole } from '../../src/approval/index.js';
import { approvalConfig, askRequest, pendingTicket } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`Skipping the console tests in Chromium: ${CHROMIUM} is not installed (apt-get install chromium)`);

// The screenshot in the docs is refreshed on request; otherwise it goes where git does not look.
const SCREENSHOT = process.env.UPDATE_CONSOLE_SCREENSHOT === '1' || !existsSync('docs/console.png') ? 'docs/console.png' : join('test/.tmp', 'console.png');

let store: MemoryTicketStore;
let approver: Approver;
let server: RunningConsole;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (missing) return;
  store = new MemoryTicketStore();
  approver = createApprover(approvalConfig({ channels: ['console'], timeoutMs: 120_000 }), { nonInteractive: false, store });
  server = await startConsole({ store, token: 'chromium-test-token-0123456789' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
  await page.goto(server.loginUrl);
  // The token leaves the address bar at once; the cookie carries the session.
  expect(page.url()).toBe(server.url);
  await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'same page'));
});

afterAll(async () => {
  await browser?.close();
  await approver?.close();
  await server?.close();
});

async function stillSamePage(): Promise<void> {
  expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('same page');
}

test.skipIf(missing)('a pending call appears live with its full arguments, and Approve lets it through', async () => {
  await expect.poll(() => page.locator('#empty').isVisible()).toBe(true);
  const args = { path: 'src/index.ts', content: 'export const answer = 42;\n<img src=x onerror=alert(1)>' };
  const asked = approver.request(askRequest({ arguments: args }), {});
  const ticket = await pendingTicket(store);

  const card = page.locator(`#ticket-${ticket.id}`);
  await card.waitFor({ timeout: 10_000 });
  await stillSamePage();
  expect(await card.locator('.tool').textContent()).toBe('fs/write_file');
  expect(await card.textContent()).toContain('agent claude-code');
  expect(await card.textContent()).toContain('env prod');
  expect(await card.textContent()).toContain('Calls that write need approval in environment "prod"');
  // Exactly as forwarded, as text: the markup in the arguments is shown, not run.
  expect(await card.locator('pre.args').textContent()).toBe(JSON.stringify(args, null, 2));
  expect(await page.locator('img').count()).toBe(0);

  await card.getByRole('button', { name: 'Approve' }).click();
  expect(await asked).toMatchObject({ approved: true, channel: 'console', ticketId: ticket.id });
  await card.waitFor({ state: 'detached' });
  await expect.poll(() => page.locator(`#history tr[data-id="${ticket.id}"]`).textContent()).toContain('approved');
});

test.skipIf(missing)('Deny with a reason denies the waiting call and the reason reaches the agent', async () => {
  const asked = approver.request(askRequest({ server: 'db', tool: 'query', arguments: { sql: 'DELETE FROM users' } }), {});
  const ticket = await pendingTicket(store);
  const card = page.locator(`#ticket-${ticket.id}`);
  await card.waitFor({ timeout: 10_000 });
  await card.getByPlaceholder('Reason for denying (optional)').fill('Not against production data');
  await card.getByRole('button', { name: 'Deny' }).click();
  expect(await asked).toMatchObject({ approved: false, channel: 'console', reason: 'Denied via console: Not against production data' });
  await expect.poll(() => page.locator(`#history tr[data-id="${ticket.id}"]`).textContent()).toContain('Not against production data');
  await stillSamePage();
});

test.skipIf(missing)('a call the agent cancels disappears from the page; the console is captured for the docs', async () => {
  const controller = new AbortController();
  const shell = approver.request(
    askRequest({
      server: 'shell',
      tool: 'run',
      arguments: { command: 'git push --force origin main', cwd: '/home/dev/project' },
      reasons: [
        {
          layer: 'approval',
          decision: 'ask',
          rule: 'dangerous_patterns: "git push --force"',
          source: 'gateway.yaml:31:27',
          message: 'The arguments contain the dangerous pattern "git push --force"',
        },
      ],
    }),
    { signal: controller.signal },
  );
  const ticket = await pendingTicket(store, (t) => t.server === 'shell');
  const other = approver.request(
    askRequest({
      agent: 'cursor',
      environment: 'staging',
      arguments: { path: 'README.md', content: '# Project\n\nUpdated by the agent.\n' },
      reasons: [{ layer: 'safety', decision: 'ask', rule: 'safety: standard', source: 'gateway.yaml:52:14', message: 'Calls that write need approval in environment "staging"' }],
    }),
    {},
  );
  const second = await pendingTicket(store, (t) => t.agent === 'cursor');
  await page.locator(`#ticket-${second.id}`).waitFor({ timeout: 10_000 });
  await page.locator(`#ticket-${ticket.id}`).waitFor({ timeout: 10_000 });

  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  controller.abort();
  expect(await shell).toMatchObject({ approved: false, channel: 'cancelled' });
  await page.locator(`#ticket-${ticket.id}`).waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator(`#ticket-${second.id}`).getByRole('button', { name: 'Approve' }).click();
  expect(await other).toMatchObject({ approved: true });
  await stillSamePage();
});

test.skipIf(missing)('the card shows who asked and multi-line arguments as text; the name typed once is recorded with the answer', async () => {
  const args = { path: 'deploy.sh', content: '#!/bin/sh\nmake release\u202Eevil' };
  const asked = approver.request(askRequest({ arguments: args, workingDir: '/home/dev/project' }), { client: { name: 'claude-code', version: '2.1.3' } });
  const ticket = await pendingTicket(store);
  const card = page.locator(`#ticket-${ticket.id}`);
  await card.waitFor({ timeout: 10_000 });
  expect(await card.locator('.badge.session').textContent()).toBe('session session-1');
  expect(await card.locator('.badge.client').textContent()).toBe('client claude-code 2.1.3');
  expect(await card.locator('.badge.cwd').textContent()).toBe('in /home/dev/project');
  // Which gateway process (a replica with the PostgreSQL store) holds the session that asked.
  expect(await card.locator('.badge.where').textContent()).toBe(`on host ${hostname()} (pid ${process.pid})`);
  // The exact JSON stays; the script reads as lines, with the invisible override shown.
  expect(await card.locator('pre.args').textContent()).toBe(JSON.stringify(args, null, 2));
  expect(await card.locator('pre.text').textContent()).toBe('#!/bin/sh\nmake release\\u202eevil');
  expect(await card.textContent()).toContain('content as text, 2 lines');

  await page.locator('#by').fill('carol');
  await page.locator('#by').dispatchEvent('change');
  await card.getByRole('button', { name: 'Approve' }).click();
  expect(await asked).toMatchObject({ approved: true, channel: 'console', by: 'carol', reason: 'Approved by carol via console' });
  // Kept in this browser for the next answer.
  const stored = await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('mcp-warden-approvals-by'));
  expect(stored).toBe('carol');
  await page.locator('#by').fill('');
  await page.locator('#by').dispatchEvent('change');
  await stillSamePage();
});
