// Refreshes docs/console.png from the real thing: the built gateway (`serve --http`) with a shell and
// a filesystem server, an SDK client that names itself claude-code, one call approved in the page
// and two waiting (a multi-line shell command, a file's content), in headless Chromium.
// Run `npm run build`, then `node --import tsx scripts/screenshot-console.ts [OUT.png]`; needs
// /usr/bin/chromium (apt-get install chromium), as the console's Chromium test does.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = resolve(process.argv[2] ?? join(ROOT, 'docs/console.png'));
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'screenshot-token-claude-code';

const dir = mkdtempSync(join(tmpdir(), 'warden-screenshot-'));
const app = join(dir, 'acme-api');
mkdirSync(join(app, 'deploy'), { recursive: true });
writeFileSync(join(app, 'CHANGELOG.md'), '# Changelog\n');
writeFileSync(
  join(dir, 'gateway.yaml'),
  `servers:
  shell:
    command: node
    args: ["${ROOT}test/fixtures/shell-server.mjs"]
    cwd: ${app}
    kind: shell
  fs:
    command: node
    args: ["${ROOT}node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", "${app}"]
    kind: filesystem
agents:
  claude-code:
    extends: [developer]
    ask: [shell/run, fs/write_file]
    token: ${TOKEN}
approval: { channels: [console], timeout: 10m }
audit: { path: ${dir}/audit.jsonl }
`,
);

const gateway = spawn(process.execPath, [join(ROOT, 'bin/mcp-warden.js'), 'serve', '--config', join(dir, 'gateway.yaml'), '--http', '127.0.0.1:0'], {
  cwd: dir,
  env: { PATH: process.env.PATH, HOME: process.env.HOME, MCP_WARDEN_STATE_DIR: join(dir, 'state') },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
const started = new Promise<{ url: string; login: string }>((resolveStart, reject) => {
  const timer = setTimeout(() => reject(new Error(`The gateway did not start:\n${stderr}`)), 30_000);
  gateway.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const url = /listening on (http:\/\/\S+\/mcp)/.exec(stderr)?.[1];
    const login = /approval console: (\S+\?token=\S+)/.exec(stderr)?.[1];
    if (url && login) {
      clearTimeout(timer);
      resolveStart({ url, login });
    }
  });
  gateway.once('exit', (code) => reject(new Error(`The gateway exited with ${code}:\n${stderr}`)));
});

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
const client = new Client({ name: 'claude-code', version: '2.1.197' });
try {
  const { url, login } = await started;
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  const page = await browser.newPage({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(login);
  await page.locator('#by').fill('alice');

  // One answered call, so the history is not empty.
  const first = client.callTool({ name: 'fs_write_file', arguments: { path: join(app, 'CHANGELOG.md'), content: '# Changelog\n\n## 2.4.0\n- Faster cold start\n' } });
  await page.locator('article.ticket').first().waitFor({ timeout: 15_000 });
  await page.locator('article.ticket').first().getByRole('button', { name: 'Approve' }).click();
  await first;

  // Two calls waiting, a file's content and a script, each shown as text under the exact JSON.
  const waiting = [
    client.callTool({
      name: 'fs_write_file',
      arguments: {
        path: join(app, 'deploy/nginx.conf'),
        content: 'server {\n  listen 443 ssl;\n  server_name api.acme.example;\n  location / {\n    proxy_pass http://127.0.0.1:8080;\n  }\n}\n',
      },
    }),
  ];
  await page.locator('article.ticket').first().waitFor({ timeout: 15_000 });
  waiting.push(
    client.callTool({
      name: 'shell_run',
      arguments: { command: 'set -euo pipefail\nnpm ci --ignore-scripts\nnpm test -- --run\ngit push --force origin HEAD:release/2.4' },
    }),
  );
  // Left waiting: they end with an error when the client closes.
  for (const promise of waiting) promise.catch(() => undefined);
  await page.locator('article.ticket').nth(1).waitFor({ timeout: 15_000 });
  await page.locator(`#history tr`).first().waitFor({ timeout: 15_000 });
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`Wrote ${OUT}`);
} finally {
  await browser.close();
  await client.close().catch(() => undefined);
  gateway.kill('SIGTERM');
  await new Promise((resolveExit) => (gateway.exitCode !== null ? resolveExit(undefined) : gateway.once('exit', resolveExit)));
  rmSync(dir, { recursive: true, force: true });
}
