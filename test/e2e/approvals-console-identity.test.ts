// A stdio gateway that finds its console port taken reuses the console there only if it proves it
// holds this user's console token (HMAC of a fresh nonce). A process squatting the port and answering
// the ping like a console is never sent the token, and no link to it is printed.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectStdio, consoleLoginUrl, eventually, writeConfig } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    allow: ["echo/*"]
environments:
  dev: { safety: full }
approval: { channels: [console], timeout: 60s }
`;

let squatter: Server;
let squatterPort: number;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  // Answers every request as the console's ping does, with a made-up proof when challenged.
  squatter = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: 'mcp-warden-approvals', proof: 'x'.repeat(43) }));
  });
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  squatterPort = (squatter.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => squatter?.close(resolve));
});

test('a squatter that answers the ping like a console is refused: no token is sent to it, and no link to it is printed', async () => {
  const config = writeConfig(CONFIG);
  const agent = await connectStdio(config, 'dev', { env: { MCP_WARDEN_CONSOLE_PORT: String(squatterPort) } });
  try {
    await eventually(() => agent.stderr().includes('approval console not started here'));
    expect(agent.stderr()).toContain(
      `mcp-warden: approval console not started here (Cannot start the approval console on "127.0.0.1:${squatterPort}": a program there answers like an approval console but cannot prove it holds this user's console token, so it was not given the token; choose another console port)`,
    );
    expect(agent.stderr()).not.toMatch(/approval console: http/);
    expect(agent.stderr()).not.toContain('token=');
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) {
      expect(request.url).toMatch(/^\/approvals\/api\/ping\?challenge=[0-9a-f]{64}$/);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.cookie).toBeUndefined();
    }
  } finally {
    await agent.close();
  }
});

test("a console of the same state directory proves the token and is shared; one of another state directory is refused", async () => {
  const config = writeConfig(CONFIG);
  const first = await connectStdio(config, 'dev', { env: { MCP_WARDEN_CONSOLE_PORT: '0' } });
  try {
    const login = new URL(await consoleLoginUrl(first.stderr));
    const port = login.port;
    const second = await connectStdio(config, 'dev', { env: { MCP_WARDEN_CONSOLE_PORT: port } });
    try {
      expect(await consoleLoginUrl(second.stderr)).toBe(login.href);
      expect(second.stderr()).toContain(`approval console: ${login.href} (shared with another gateway)`);
    } finally {
      await second.close();
    }

    // Another user's (or another state directory's) console holds another token: not ours to link to.
    const other = writeConfig(CONFIG);
    const stranger = await connectStdio(other, 'dev', { env: { MCP_WARDEN_CONSOLE_PORT: port } });
    try {
      await eventually(() => stranger.stderr().includes('approval console not started here'));
      expect(stranger.stderr()).toContain('cannot prove it holds this user\'s console token');
      expect(stranger.stderr()).not.toContain('token=');
    } finally {
      await stranger.close();
    }
  } finally {
    await first.close();
  }
});
