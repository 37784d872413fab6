// A port the gateway cannot have is the user's to fix: one line saying which port and what to do,
// exit 1, no `internal error` and no stack trace (the real binary, as a user runs it).
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BIN, gatewayEnv, writeConfig } from '../e2e/harness.js';
import { describeListenError } from '../../src/cli/listen-errors.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    allow: ["echo/*"]
    token: dev-token
approval:
  channels: [console]
`;

let squatter: Server;
let busyPort: number;

beforeAll(async () => {
  squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  busyPort = (squatter.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => squatter?.close(resolve));
});

function serve(args: string[]) {
  const config = writeConfig(CONFIG);
  return spawnSync(process.execPath, [BIN, 'serve', '--config', config.file, ...args], { cwd: config.dir, env: gatewayEnv(config.dir), encoding: 'utf8', timeout: 20_000, input: '' });
}

test('serve --http on a port in use is one line and exit 1', () => {
  const run = serve(['--http', `127.0.0.1:${busyPort}`]);
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(`mcp-warden: Port ${busyPort} on 127.0.0.1 is in use; stop the program that uses it (e.g. another gateway) or choose another port\n`);
});

test('serve --http on an address this machine does not have is one line and exit 1', () => {
  // 192.0.2.0/24 is TEST-NET-1: never assigned to a host.
  const run = serve(['--http', '192.0.2.1:8787']);
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^mcp-warden: (Port 8787 on 192\.0\.2\.1 is not an address of this machine|Refusing to listen)/);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
});

test('serve --agent with --console-port in use is one line and exit 1', () => {
  const run = serve(['--agent', 'dev', '--console-port', String(busyPort)]);
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(`mcp-warden: Cannot start the approval console on "127.0.0.1:${busyPort}": another program uses that port; choose another console port\n`);
});

test.each([
  [{ code: 'EADDRINUSE', syscall: 'listen', address: '127.0.0.1', port: 8787 }, 'Port 8787 on 127.0.0.1 is in use; stop the program that uses it (e.g. another gateway) or choose another port'],
  [{ code: 'EACCES', syscall: 'listen', address: '0.0.0.0', port: 80 }, 'Port 80 on 0.0.0.0 may not be used by this user (ports below 1024 need privileges); choose another port, e.g. 8787'],
  [{ code: 'EADDRNOTAVAIL', syscall: 'listen', address: '10.9.9.9', port: 8787 }, 'Port 8787 on 10.9.9.9 is not an address of this machine; listen on 127.0.0.1, or on an address this machine has'],
  [{ code: 'ENOENT', syscall: 'open' }, undefined],
  [{ code: 'EADDRINUSE', syscall: 'connect', address: '127.0.0.1', port: 1 }, undefined],
])('describeListenError %j', (fields, message) => {
  expect(describeListenError(Object.assign(new Error('listen failed'), fields))).toBe(message);
});
