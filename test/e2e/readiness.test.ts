// /healthz and /readyz on the real gateway: answered without a token and whatever the Host (probes
// send the pod's address), 503 when a stdio server's command cannot be found, nothing secret in the
// body; and a config mounted the way a Kubernetes ConfigMap is (a `..data` symlink swapped) reloads.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { FIXTURES, eventually, startHttpGateway, writeConfig, type HttpGateway } from './harness.js';

const TIMEOUT = 60_000;

let gateway: HttpGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

/** A GET with a Host header of our choosing (fetch will not send another host's name). */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const base = (running: HttpGateway) => running.url.replace(/\/mcp$/, '');

test(
  'a healthy gateway: /healthz 200 and /readyz 200 with its checks, to a probe with the pod address as Host and no token',
  async () => {
    gateway = await startHttpGateway(
      writeConfig(`
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
  remote:
    url: https://user:hunter2@mcp.example.com/mcp
    headers: { Authorization: "Bearer remote-secret" }
agents:
  alice: { allow: ["echo/*"], token: alice-secret }
`),
    );
    const health = await get(`${base(gateway)}/healthz`, '10.1.2.3:8787');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', sessions: 0 });

    const ready = await get(`${base(gateway)}/readyz`, '10.1.2.3:8787');
    expect(ready.status).toBe(200);
    const body = JSON.parse(ready.body) as { ready: boolean; checks: unknown[]; config: Record<string, unknown> };
    expect(body.ready).toBe(true);
    expect(body.checks).toEqual([
      { name: 'config', ok: true, detail: expect.stringMatching(/^generation 1 loaded \d{4}-/) as unknown },
      { name: 'upstreams', ok: true, detail: '1 of 1 stdio servers startable; 1 remote not checked' },
      { name: 'store', ok: true, detail: 'file store' },
    ]);
    expect(body.config).toEqual({ generation: 1, loadedAt: expect.any(String) as unknown, stale: false });
    for (const secret of ['hunter2', 'remote-secret', 'alice-secret', 'mcp.example.com']) expect(ready.body).not.toContain(secret);
    // The probes' exemption is theirs alone: MCP with that Host is still refused.
    expect((await get(gateway.url, '10.1.2.3:8787')).status).toBe(403);
  },
  TIMEOUT,
);

test(
  'a server whose command does not exist: /readyz 503 naming it; /healthz still 200',
  async () => {
    gateway = await startHttpGateway(
      writeConfig(`
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
  ghost:
    command: no-such-command-for-warden-tests
  local:
    command: ./bin/missing-server
agents:
  alice: { allow: ["echo/*"], token: alice-secret }
`),
    );
    const ready = await get(`${base(gateway)}/readyz`);
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.body) as { ready: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(body.ready).toBe(false);
    expect(body.checks.find((check) => check.name === 'upstreams')).toEqual({
      name: 'upstreams',
      ok: false,
      detail: '1 of 3 stdio servers startable: "ghost": command "no-such-command-for-warden-tests" not found on PATH; "local": command "./bin/missing-server" is not an executable file',
    });
    expect((await get(`${base(gateway)}/healthz`)).status).toBe(200);
  },
  TIMEOUT,
);

test(
  'a config mounted as a ConfigMap is (..data symlink swapped) reloads on the swap',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-configmap-'));
    mkdirSync(join(dir, 'state'));
    const version = (name: string, text: string): void => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'gateway.yaml'), text.replaceAll('{{fixtures}}', FIXTURES));
    };
    const text = (allow: string) => `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  alice: { allow: [${allow}], token: alice-secret }
`;
    version('..2026_11_29_10_00_00.000000001', text('"echo/echo"'));
    symlinkSync('..2026_11_29_10_00_00.000000001', join(dir, '..data'));
    symlinkSync('..data/gateway.yaml', join(dir, 'gateway.yaml'));
    gateway = await startHttpGateway({ dir, file: join(dir, 'gateway.yaml') });
    // What the kubelet does: a new timestamped directory, a new link renamed over ..data, the old directory removed.
    version('..2026_11_29_10_05_00.000000002', text('"echo/*"'));
    symlinkSync('..2026_11_29_10_05_00.000000002', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    rmSync(join(dir, '..2026_11_29_10_00_00.000000001'), { recursive: true });
    await eventually(async () => (JSON.parse((await get(`${base(gateway!)}/readyz`)).body) as { config: { generation: number } }).config.generation === 2, 20_000);
    expect(gateway.stderr()).toContain('config reloaded (file changed): generation 2');
  },
  TIMEOUT,
);
