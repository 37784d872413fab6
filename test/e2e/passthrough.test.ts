// Everything besides tool calls, end to end over stdio with a real fixture upstream: resources,
// prompts, completions, logging, progress, cancellation, and the upstream's own requests to the
// agent (elicitation, sampling, roots) routed back to the session that caused them.
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { connectStdio, eventually, textOf, writeConfig, type StdioConnection } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    extends: [eval]
    upstream_requests: { sampling: [echo] }
environments:
  dev: { safety: full, audit: false }
# The fixture adds tools at run time; here they are not what is tested (see pinning-runtime.test.ts).
pinning: { new_tools: allow }
`;

let conn: StdioConnection;
const logs: LoggingMessageNotification['params'][] = [];
let listChanged = 0;
const elicitations: unknown[] = [];

beforeAll(async () => {
  const config = writeConfig(CONFIG);
  conn = await connectStdio(config, 'dev', {
    capabilities: { elicitation: {}, sampling: {}, roots: { listChanged: true } },
    setup: (client) => {
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (listChanged += 1));
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        elicitations.push(request.params);
        return { action: 'accept', content: { name: 'forty-two' } };
      });
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({
        model: 'test-model',
        role: 'assistant',
        content: { type: 'text', text: 'sampled text' },
      }));
      client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///tmp/agent-root', name: 'agent root' }] }));
    },
  });
});
afterAll(async () => {
  await conn?.close();
});

test('capabilities announced are the ones the upstream offers', () => {
  const caps = conn.client.getServerCapabilities()!;
  expect(caps.tools).toBeDefined();
  expect(caps.resources).toBeDefined();
  expect(caps.prompts).toBeDefined();
  expect(caps.logging).toBeDefined();
});

test('resources are listed and read through the gateway', async () => {
  const { resources } = await conn.client.listResources();
  expect(resources.map((r) => r.uri)).toContain('fixture://hello');
  const read = await conn.client.readResource({ uri: 'fixture://hello' });
  expect(JSON.stringify(read.contents)).toContain('hello');
  const { resourceTemplates } = await conn.client.listResourceTemplates();
  expect(resourceTemplates.length).toBeGreaterThan(0);
});

test('prompts are listed under exposed names and fetched from their server', async () => {
  const { prompts } = await conn.client.listPrompts();
  const greet = prompts.find((p) => p.name.endsWith('greet'))!;
  expect(greet).toBeDefined();
  const prompt = await conn.client.getPrompt({ name: greet.name, arguments: { name: 'Ada' } });
  expect(JSON.stringify(prompt.messages)).toContain('Ada');
});

test('log messages from the upstream reach the agent', async () => {
  await conn.client.setLoggingLevel('debug');
  await conn.client.callTool({ name: 'echo_log', arguments: { message: 'logged through warden' } });
  await eventually(() => logs.some((entry) => JSON.stringify(entry.data).includes('logged through warden')));
});

test('progress notifications are relayed under the agent\'s own token', async () => {
  const seen: number[] = [];
  const result = await conn.client.callTool({ name: 'echo_slow', arguments: { ms: 300, steps: 3 } }, undefined, {
    onprogress: (progress) => void seen.push(progress.progress),
  });
  expect(result.isError).toBeFalsy();
  // The fixture reports its last step right before returning, and the SDK client handles a
  // notification a microtask later than a response read in the same chunk, by which time the
  // request (and its progress handler) is gone. So the third may be dropped by the client on a busy
  // machine, whatever the gateway does; the first two are 100 ms apart from anything else.
  expect(seen.slice(0, 2)).toEqual([1, 2]);
  expect([...seen].sort((a, b) => a - b)).toEqual(seen);
});

test('cancelling a call reaches the upstream and the gateway keeps serving', async () => {
  const controller = new AbortController();
  const pending = conn.client.callTool({ name: 'echo_slow', arguments: { ms: 5000, steps: 5 } }, undefined, { signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 300));
  controller.abort('user changed their mind');
  await expect(pending).rejects.toThrow();
  await eventually(async () => (JSON.parse(textOf(await conn.client.callTool({ name: 'echo_stats', arguments: {} }))) as { cancelled: number }).cancelled >= 1);
});

test("an upstream's elicitation during a call is routed to the agent that made it", async () => {
  const result = await conn.client.callTool({ name: 'echo_ask_user', arguments: { question: 'the answer?' } });
  expect(textOf(result)).toContain('forty-two');
  expect(elicitations.length).toBe(1);
});

test("an upstream's sampling request reaches the agent's client", async () => {
  const result = await conn.client.callTool({ name: 'echo_sample', arguments: { prompt: 'hi' } });
  expect(textOf(result)).toContain('sampled text');
});

test("an upstream's roots request is answered by the agent's client", async () => {
  const result = await conn.client.callTool({ name: 'echo_roots', arguments: {} });
  expect(textOf(result)).toContain('file:///tmp/agent-root');
});

test('list_changed from an upstream reaches the agent and the new tool becomes callable', async () => {
  await conn.client.callTool({ name: 'echo_add_tool', arguments: { name: 'late_tool' } });
  await eventually(() => listChanged > 0);
  const { tools } = await conn.client.listTools();
  expect(tools.map((t) => t.name)).toContain('echo_late_tool');
  const result = await conn.client.callTool({ name: 'echo_late_tool', arguments: {} });
  expect(result.isError).toBeFalsy();
});
