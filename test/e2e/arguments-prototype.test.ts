// `__proto__` is a key like any other on the wire: the upstream receives it, so the argument digest that
// binds an approval covers it and the audit log shows it. A remembered approval of {repo, title} must
// not pass the same call with an added `__proto__`, at the top or nested.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectStdio, eventually, readAudit, readTickets, runWarden, textOf, waitForTicket, writeConfig, type StdioConnection, type StoredTicket } from './harness.js';

const CONFIG = `
servers:
  raw:
    command: node
    args: ["{{fixtures}}/raw-args-server.mjs", "--tools", "{{dir}}/tools.json", "--log", "{{dir}}/received.jsonl"]
agents:
  dev:
    allow: ["raw/*"]
    ask: ["raw/create_issue"]
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
approval: { channels: [console], timeout: 60s }
`;

const TOOLS = [{ name: 'create_issue', inputSchema: { type: 'object', properties: { repo: { type: 'string' }, title: { type: 'string' }, meta: { type: 'object' } } } }];

let config: { dir: string; file: string };
let agent: StdioConnection;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  writeFileSync(join(config.dir, 'tools.json'), JSON.stringify(TOOLS));
  agent = await connectStdio(config, 'dev');
});
afterAll(async () => {
  await agent?.close();
});

function received(): string[] {
  const file = join(config.dir, 'received.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { arguments: string }).arguments) : [];
}

async function answer(action: 'approve' | 'deny', id: string, ...extra: string[]): Promise<void> {
  const result = await runWarden(config.dir, ['approvals', action, id, ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

function newPending(seen: StoredTicket[]): Promise<StoredTicket> {
  return waitForTicket(config.dir, (t) => t.state === 'pending' && !seen.some((old) => old.id === t.id));
}

/** Approves `approvedJson` with remember, then sends `variantJson`: it must ask again, not run. */
async function rememberedThenVariant(approvedJson: string, variantJson: string): Promise<void> {
  const seen = readTickets(config.dir);
  const first = agent.client.callTool({ name: 'raw_create_issue', arguments: JSON.parse(approvedJson) as Record<string, unknown> });
  const ticket = await newPending(seen);
  await answer('approve', ticket.id, '--remember');
  expect(textOf(await first)).toBe(approvedJson);
  // The remembered approval does pass the identical call.
  expect(textOf(await agent.client.callTool({ name: 'raw_create_issue', arguments: JSON.parse(approvedJson) as Record<string, unknown> }))).toBe(approvedJson);
  const upstreamBefore = received().length;

  // JSON.parse keeps `__proto__` as an own key, as the gateway's parser does, and the client sends it.
  const variant = JSON.parse(variantJson) as Record<string, unknown>;
  expect(JSON.stringify(variant)).toBe(variantJson);
  const call = agent.client.callTool({ name: 'raw_create_issue', arguments: variant });
  const raced = await Promise.race([call.then((result) => ({ ran: textOf(result) })), newPending([...seen, ticket]).then((asked) => ({ asked }))]);
  expect(raced).toHaveProperty('asked');
  const asked = (raced as { asked: StoredTicket }).asked;
  expect(asked.argumentsSha256).not.toBe(ticket.argumentsSha256);
  // The human is shown exactly what would be forwarded, `__proto__` included.
  expect(JSON.stringify(asked.arguments)).toBe(variantJson);
  await answer('deny', asked.id, '--reason', 'not that one');
  const denied = await call;
  expect(denied.isError).toBe(true);
  expect(textOf(denied)).toMatch(/\nApproval was not given: Denied by \S+ via cli: not that one$/m);
  expect(received().length).toBe(upstreamBefore);

  // The audit record of the refused call shows the key and carries the ticket's digest.
  await eventually(() => readAudit(config.dir).some((record) => record.event === 'call' && record.args_sha256 === asked.argumentsSha256));
  const record = readAudit(config.dir).find((r) => r.event === 'call' && r.args_sha256 === asked.argumentsSha256)!;
  expect(record).toMatchObject({ decision: 'deny', outcome: 'denied' });
  expect(JSON.stringify(record.args)).toBe(variantJson);
}

test('a remembered approval of {repo, title} does not pass the same call with an added top-level "__proto__"', async () => {
  await rememberedThenVariant('{"repo":"acme/x","title":"t"}', '{"repo":"acme/x","title":"t","__proto__":{"title":"EVIL"}}');
});

test('nor one with "__proto__" added inside a nested object', async () => {
  await rememberedThenVariant('{"repo":"acme/y","title":"t","meta":{"labels":{}}}', '{"repo":"acme/y","title":"t","meta":{"labels":{"__proto__":{"admin":true}}}}');
});
