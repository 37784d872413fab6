// /metrics end to end: a real gateway process with `--metrics`, real SDK clients, real upstreams.
// The counts scraped must be exactly the calls made; an upstream that crashes shows in its state
// and restart metrics; the metrics are on their own port and never on the agents' one.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectHttp, eventually, startHttpGateway, writeConfig, type HttpGateway } from './harness.js';
import { metricsUrlOf, sample, scrape } from '../support/metrics.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo, add]
  shell:
    command: node
    args: ["{{fixtures}}/shell-server.mjs"]
    kind: shell
  crash:
    command: node
    args: ["{{fixtures}}/crash-server.mjs"]
    readonly: ["*"]
agents:
  alice:
    allow: ["echo/*", "crash/*", "shell/*"]
    shell: restricted
    token: token-alice
  bob:
    allow: [echo/echo]
    token: token-bob
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
metrics: { token: scrape-secret }
`;

const ALLOWED = 5;
const DENIED = 3;
let gateway: HttpGateway;
let config: { dir: string; file: string };
let metricsUrl: string;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  gateway = await startHttpGateway(config, { args: ['--metrics', '127.0.0.1:0'] });
  metricsUrl = await metricsUrlOf(gateway.stderr);
  alice = await connectHttp(gateway.url, 'token-alice');
  bob = await connectHttp(gateway.url, 'token-bob');
});
afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await gateway?.stop();
});

test('decisions, latencies and sessions count exactly the calls made', async () => {
  for (let i = 0; i < ALLOWED; i++) await alice.callTool({ name: 'echo_echo', arguments: { text: `hello ${i}` } });
  for (let i = 0; i < DENIED; i++) {
    // A command the restricted shell does not allow: the inspection layer denies it.
    const denied = await alice.callTool({ name: 'shell_run', arguments: { command: `rm -rf /tmp/n${i}` } }).catch((error: Error) => error);
    expect(JSON.stringify(denied)).toMatch(/denied/i);
  }
  // bob may not see echo_add at all: refused by no rule, by default.
  await bob.callTool({ name: 'echo_add', arguments: { a: 1, b: 2 } }).catch(() => undefined);

  const text = await scrape(metricsUrl, 'scrape-secret');
  expect(sample(text, 'mcp_warden_decisions_total', { agent: 'alice', decision: 'allow', layer: 'name' })).toBe(ALLOWED);
  expect(sample(text, 'mcp_warden_decisions_total', { agent: 'alice', decision: 'deny', layer: 'inspection' })).toBe(DENIED);
  expect(sample(text, 'mcp_warden_decisions_total', { agent: 'bob', decision: 'deny', layer: 'default' })).toBe(1);
  // Only forwarded calls have upstream time; every call has gateway time.
  expect(sample(text, 'mcp_warden_call_upstream_seconds_count', { server: 'echo' })).toBe(ALLOWED);
  expect(sample(text, 'mcp_warden_call_gateway_seconds_count', { agent: 'alice' })).toBe(ALLOWED + DENIED);
  expect(sample(text, 'mcp_warden_call_upstream_seconds_count', { server: 'shell' })).toBeUndefined();
  expect(sample(text, 'mcp_warden_sessions', { agent: 'alice' })).toBe(1);
  expect(sample(text, 'mcp_warden_sessions', { agent: 'bob' })).toBe(1);
  expect(sample(text, 'mcp_warden_approvals_pending', {})).toBe(0);
  expect(sample(text, 'mcp_warden_config_generation', {})).toBe(1);
  expect(sample(text, 'mcp_warden_config_stale', {})).toBe(0);
  expect(sample(text, 'mcp_warden_store_errors_total', {})).toBeUndefined();
});

test('an upstream that crashes shows in the state and restart metrics', async () => {
  await alice.callTool({ name: 'crash_echo', arguments: { text: 'before' } });
  // Each session starts every server, so bob's session holds a crash upstream too: 2 up.
  await eventually(async () => sample(await scrape(metricsUrl, 'scrape-secret'), 'mcp_warden_upstream_state', { server: 'crash', state: 'up' }) === 2);
  await alice.callTool({ name: 'crash_crash', arguments: {} }).catch(() => undefined);
  await eventually(async () => sample(await scrape(metricsUrl, 'scrape-secret'), 'mcp_warden_upstream_state', { server: 'crash', state: 'down' }) === 1);
  const down = await scrape(metricsUrl, 'scrape-secret');
  expect(sample(down, 'mcp_warden_upstream_state', { server: 'crash', state: 'up' })).toBe(1);
  // The next call restarts it.
  await alice.callTool({ name: 'crash_echo', arguments: { text: 'after' } });
  const back = await scrape(metricsUrl, 'scrape-secret');
  expect(sample(back, 'mcp_warden_upstream_state', { server: 'crash', state: 'up' })).toBe(2);
  expect(sample(back, 'mcp_warden_upstream_state', { server: 'crash', state: 'down' })).toBe(0);
  expect(sample(back, 'mcp_warden_upstream_restarts_total', { server: 'crash' })).toBe(1);
});

test('metrics are not served on the agents port, and need their token', async () => {
  const agentsBase = gateway.url.replace(/\/mcp$/, '');
  for (const headers of [{}, { Authorization: 'Bearer token-alice' }, { Authorization: 'Bearer scrape-secret' }] as Array<Record<string, string>>) {
    const response = await fetch(`${agentsBase}/metrics`, { headers });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('mcp_warden_');
  }
  for (const token of [undefined, 'token-alice', 'scrape-secre', 'scrape-secretX']) {
    const response = await fetch(metricsUrl, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('mcp_warden_');
  }
  expect((await fetch(metricsUrl.replace(/\/metrics$/, '/mcp'), { headers: { Authorization: 'Bearer scrape-secret' } })).status).toBe(404);
});

test('a config reload shows in the generation, an invalid one as stale', async () => {
  const state = async () => {
    const text = await scrape(metricsUrl, 'scrape-secret');
    return [sample(text, 'mcp_warden_config_generation', {}), sample(text, 'mcp_warden_config_stale', {})];
  };
  expect(await state()).toEqual([1, 0]);
  const original = readFileSync(config.file, 'utf8');
  writeFileSync(config.file, original.replace('allow: [echo/echo]', 'allow: [echo/echo, echo/add]'));
  await eventually(async () => (await state())[0] === 2);
  expect(await state()).toEqual([2, 0]);
  writeFileSync(config.file, `${original}\nno_such_key: true\n`);
  await eventually(async () => (await state())[1] === 1);
  expect(await state()).toEqual([2, 1]);
});
