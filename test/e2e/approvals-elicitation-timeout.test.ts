// A call whose approval times out while its elicitation prompt is still with the agent's client: the
// prompt is withdrawn with notifications/cancelled naming the prompt's request id, including id 0 (the
// first request a gateway sends), which the SDK's own cancel path skips.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CancelledNotificationSchema, ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { connectHttp, connectStdio, eventually, startHttpGateway, textOf, writeConfig, type StdioConnection } from './harness.js';

const CONFIG = `
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
  dev: { safety: full }
approval: { channels: [elicitation], timeout: 2s }
`;

let agent: StdioConnection;
let config: { dir: string; file: string };
/** The request id of every prompt the client received, in order. */
const prompts: Array<string | number> = [];
/** notifications/cancelled the gateway sent the client. */
const cancels: Array<{ requestId?: unknown; reason?: unknown }> = [];

beforeAll(async () => {
  config = writeConfig(CONFIG);
  agent = await connectStdio(config, 'dev', {
    capabilities: { elicitation: {} },
    setup: (client) => {
      // A client that shows the prompt and never answers it.
      client.setRequestHandler(ElicitRequestSchema, (_request, extra) => {
        prompts.push(extra.requestId);
        return new Promise<ElicitResult>(() => {});
      });
      client.setNotificationHandler(CancelledNotificationSchema, (notification) => void cancels.push(notification.params));
    },
  });
});
afterAll(async () => {
  await agent?.close();
});

test('the timed-out prompt with request id 0 gets notifications/cancelled for id 0, and the next one for its own id', async () => {
  for (const path of ['first.txt', 'second.txt']) {
    const result = await agent.client.callTool({ name: 'echo_write_note', arguments: { path, text: 'x' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/\nApproval was not given: No one answered within 2s; denied$/m);
  }
  expect(prompts).toEqual([0, 1]);
  await eventually(() => cancels.length >= 2);
  expect(cancels.map((cancel) => cancel.requestId)).toEqual([0, 1]);
  for (const cancel of cancels) expect(cancel.reason).toBe('No one answered within 2s');
});

test('over HTTP too: the prompt of a call that timed out is withdrawn, id 0 included', async () => {
  const gateway = await startHttpGateway(config);
  const ids: Array<string | number> = [];
  const withdrawn: Array<{ requestId?: unknown; reason?: unknown }> = [];
  const client = await connectHttp(gateway.url, 'token-dev', {
    capabilities: { elicitation: {} },
    setup: (c) => {
      c.setRequestHandler(ElicitRequestSchema, (_request, extra) => {
        ids.push(extra.requestId);
        return new Promise<ElicitResult>(() => {});
      });
      c.setNotificationHandler(CancelledNotificationSchema, (notification) => void withdrawn.push(notification.params));
    },
  });
  try {
    for (const path of ['http-first.txt', 'http-second.txt']) {
      const result = await client.callTool({ name: 'echo_write_note', arguments: { path, text: 'x' } });
      expect(textOf(result)).toMatch(/\nApproval was not given: No one answered within 2s; denied$/m);
    }
    expect(ids).toEqual([0, 1]);
    await eventually(() => withdrawn.length >= 2);
    expect(withdrawn).toEqual([
      { requestId: 0, reason: 'No one answered within 2s' },
      { requestId: 1, reason: 'No one answered within 2s' },
    ]);
  } finally {
    // Cleanup only: a close that fails cannot change what the test asserted.
    await client.close().catch(() => {});
    await gateway.stop();
  }
});

test('a call that times out while the upstream\'s own elicitation prompt is with the agent withdraws that prompt', async () => {
  const timed = writeConfig(CONFIG.replace('args: ["{{fixtures}}/echo-server.mjs"]', 'args: ["{{fixtures}}/echo-server.mjs"]\n    timeout: 2s'));
  const ids: Array<string | number> = [];
  const withdrawn: Array<{ requestId?: unknown; reason?: unknown }> = [];
  const upstreamAsker = await connectStdio(timed, 'dev', {
    capabilities: { elicitation: {} },
    setup: (c) => {
      c.setRequestHandler(ElicitRequestSchema, (_request, extra) => {
        ids.push(extra.requestId);
        return new Promise<ElicitResult>(() => {});
      });
      c.setNotificationHandler(CancelledNotificationSchema, (notification) => void withdrawn.push(notification.params));
    },
  });
  try {
    const result = await upstreamAsker.client.callTool({ name: 'echo_ask_user', arguments: { question: 'ok?' } });
    expect(result.isError).toBe(true);
    expect(ids).toEqual([0]);
    await eventually(() => withdrawn.length >= 1);
    expect(withdrawn).toEqual([{ requestId: 0, reason: 'The tool call that asked this has ended' }]);
  } finally {
    await upstreamAsker.close();
  }
});

test('a prompt stays open as long as approval.timeout, past the SDK\'s 60 s default request timeout', async () => {
  const long = writeConfig(CONFIG.replace('timeout: 2s }', 'timeout: 90s }'));
  const withdrawn: Array<{ requestId?: unknown; reason?: unknown }> = [];
  const patient = await connectStdio(long, 'dev', {
    capabilities: { elicitation: {} },
    setup: (c) => {
      // A person who takes 62 s to decide.
      c.setRequestHandler(ElicitRequestSchema, () => new Promise<ElicitResult>((resolve) => setTimeout(() => resolve({ action: 'accept', content: { decision: 'approve' } }), 62_000)));
      c.setNotificationHandler(CancelledNotificationSchema, (notification) => void withdrawn.push(notification.params));
    },
  });
  try {
    const result = await patient.client.callTool({ name: 'echo_write_note', arguments: { path: 'slow-human.txt', text: 'ok' } }, undefined, { timeout: 85_000 });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('would write 2 characters to slow-human.txt');
    expect(withdrawn).toEqual([]);
  } finally {
    await patient.close();
  }
}, 100_000);
