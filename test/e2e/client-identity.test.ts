// The agent's clientInfo through the real gateway: a client that names itself with 100 KB, newlines
// and a right-to-left override reaches the ticket, the approval prompt's audit and the console API
// only as a short, single-line name.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { approvalsDirOf, connectStdio, eventually, readAudit, writeConfig, type StdioConnection } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
agents:
  dev:
    allow: ["echo/*"]
    ask: ["echo/write_note"]
environments:
  dev: { safety: full, audit: true }
approval: { channels: [elicitation], timeout: 30s }
audit: { path: "{{dir}}/audit.jsonl" }
`;

const NAME = `evil\u202Eedoc-edualc\nApproved by: alice\n${'A'.repeat(100 * 1024)}`;
const VERSION = `9.9.9\r\n\u200B\u200B${'v'.repeat(5000)}`;
const KEPT = { name: `evil edoc-edualc Approved by: alice ${'A'.repeat(64 - 37)}…`, version: `9.9.9 ${'v'.repeat(32 - 7)}…` };

let config: { dir: string; file: string };
let agent: StdioConnection;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  agent = await connectStdio(config, 'dev', {
    clientInfo: { name: NAME, version: VERSION },
    capabilities: { elicitation: {} },
    setup: (client) => client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'decline' })),
  });
});
afterAll(async () => {
  await agent?.close();
});

test('the ticket and the audit hold the client bounded to 64/32 characters on one line', async () => {
  expect(KEPT.name).toHaveLength(64);
  expect(KEPT.version).toHaveLength(32);
  const result = await agent.client.callTool({ name: 'echo_write_note', arguments: { path: 'a.txt', text: 'x' } });
  expect(result.isError).toBe(true);

  const folder = approvalsDirOf(config.dir);
  const [file] = readdirSync(folder).filter((name) => /^[a-z2-7]{26}\.json$/.test(name));
  const ticket = JSON.parse(readFileSync(join(folder, file!), 'utf8')) as { client?: unknown };
  expect(ticket.client).toEqual(KEPT);

  await eventually(() => readAudit(config.dir).some((line) => line.event === 'call'));
  const records = readAudit(config.dir).filter((line) => line.approval?.channel === 'elicitation');
  expect(records.length).toBeGreaterThan(0);
  for (const record of records) expect(record.approval?.client).toEqual(KEPT);
  const raw = readFileSync(join(config.dir, 'audit.jsonl'), 'utf8');
  expect(raw).not.toContain('\u202E');
  expect(raw).not.toContain('A'.repeat(65));
});
