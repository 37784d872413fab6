// The audit log's crash guarantee, end to end: every call whose answer reached the agent has its
// record in the audit file, even when the gateway is killed with SIGKILL the moment that answer
// arrives (no exit handler runs then). Allowed calls, denied calls and unknown tools alike.
import { once } from 'node:events';
import { expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { alive, connectHttp, connectStdio, eventually, readAudit, startHttpGateway, writeConfig } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
    readonly: [echo]
    startup: eager
agents:
  a:
    allow: ["echo/echo"]
    ask: ["echo/write_note"]
    token: tok-a
approval: { non_interactive: deny }
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
`;

/**
 * Makes one of three kinds of call, each carrying `marker` in its arguments (which the record keeps):
 * allowed, an ask no human can answer here (denied: an isError result), an unknown tool (a JSON-RPC error). True once the
 * gateway's answer has arrived; false when the connection failed first.
 */
async function call(client: Client, marker: string, kind: number): Promise<boolean> {
  try {
    // A call cut off by the kill may wait for a stream the client hopes to resume: no need to wait long.
    const options = { timeout: 5_000 };
    if (kind % 3 === 0) await client.callTool({ name: 'echo_echo', arguments: { text: marker } }, undefined, options);
    else if (kind % 3 === 1) await client.callTool({ name: 'echo_write_note', arguments: { path: marker, text: 'x' } }, undefined, options);
    else await client.callTool({ name: 'echo_no_such_tool', arguments: { text: marker } }, undefined, options);
    return true;
  } catch (error) {
    if (error instanceof McpError && error.code === (ErrorCode.InvalidParams as number)) return true;
    return false;
  }
}

/** The markers of the call records in the audit file. */
function recorded(dir: string): Set<string> {
  return new Set(
    readAudit<{ event: string; args: { text?: string; path?: string } }>(dir)
      .filter((record) => record.event === 'call')
      .map((record) => record.args.path ?? record.args.text ?? ''),
  );
}

test('stdio: a gateway killed with SIGKILL right after an answer has the record of every answered call, ten times over', async () => {
  const config = writeConfig(CONFIG);
  const answered: string[] = [];
  for (let round = 0; round < 10; round += 1) {
    const gateway = await connectStdio(config, 'a', { args: ['--non-interactive'] });
    const calls = 1 + (round % 3);
    for (let i = 0; i < calls; i += 1) {
      const marker = `round ${round} call ${i}`;
      expect(await call(gateway.client, marker, round + i)).toBe(true);
      answered.push(marker);
    }
    // The last answer has just arrived: no exit handler, no timer, no flush after this.
    process.kill(gateway.pid, 'SIGKILL');
    await eventually(() => !alive(gateway.pid));
    // Killed on purpose: closing its dead transport may fail, which is cleanup.
    await gateway.close().catch(() => {});
  }
  const records = recorded(config.dir);
  expect(answered.filter((marker) => !records.has(marker))).toEqual([]);
}, 120_000);

test('HTTP: under 32 concurrent callers, a SIGKILL right after the 300th answer loses no answered call', async () => {
  const config = writeConfig(CONFIG);
  const gateway = await startHttpGateway(config, { args: ['--non-interactive'] });
  const exited = once(gateway.child, 'exit');
  const client = await connectHttp(gateway.url, 'tok-a');
  const answered: string[] = [];
  let killed = false;
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (!killed) {
        const marker = `call ${(next += 1)}`;
        if (!(await call(client, marker, next))) return; // the gateway is gone: never answered
        answered.push(marker);
        if (answered.length === 300) {
          killed = true;
          gateway.child.kill('SIGKILL');
        }
      }
    }),
  );
  await exited;
  // The gateway has exited; closing the client may fail, which is cleanup.
  await client.close().catch(() => {});
  expect(answered.length).toBeGreaterThanOrEqual(300);
  const records = recorded(config.dir);
  expect(answered.filter((marker) => !records.has(marker))).toEqual([]);
}, 60_000);
