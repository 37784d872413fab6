// Resources, prompts and completions decided like tool calls, end to end: the built gateway over HTTP
// with real SDK clients (one per agent) and real fixture upstreams, among them a naive file server
// that reads whatever file:// URI it is sent. Each test names the attack input and the decision.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ElicitRequestSchema, ResourceListChangedNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { connectHttp, connectStdio, eventually, readAudit, startHttpGateway, writeConfig, type HttpGateway } from './harness.js';

const CONFIG = `
servers:
  echo:
    command: node
    args: ["{{fixtures}}/echo-server.mjs"]
  secret:
    command: node
    args: ["{{fixtures}}/echo-server.mjs", "--name", "secret"]
  files:
    command: node
    args: ["{{fixtures}}/file-resources.mjs", "--root", "{{dir}}/ws", "--tool"]
  docs:
    command: node
    args: ["{{fixtures}}/file-resources.mjs", "--root", "{{dir}}/docs"]
agents:
  reader:
    extends: [readonly]
    deny: ["secret/*"]
    token: t-reader
  narrow:
    extends: [readonly]
    allow: ["resource:echo/fixture://greeting/*"]
    deny: ["resource:echo/fixture://greeting/mallory", "prompt:echo/greet", "files/*", "secret/*"]
    token: t-narrow
  docsreader:
    allow: ["echo/echo", "resource:docs/**"]
    token: t-docs
  nodocs:
    allow: ["echo/echo"]
    token: t-nodocs
  asker:
    extends: [eval]
    ask: ["resource:echo/fixture://hello"]
    deny: ["secret/*", "files/*"]
    token: t-asker
  blind:
    extends: [eval]
    deny: ["resource:echo/fixture://hello", "secret/*", "files/*"]
    token: t-blind
approval: { channels: [elicitation], timeout: 30s }
environments:
  dev: { safety: full, audit: true }
audit: { path: "{{dir}}/audit.jsonl" }
`;

let config: { dir: string; file: string };
let gateway: HttpGateway;
const clients: Client[] = [];
let reader: Client;
let narrow: Client;
let docsreader: Client;
const approvalPrompts: string[] = [];

beforeAll(async () => {
  config = writeConfig(CONFIG);
  const { dir } = config;
  mkdirSync(join(dir, 'ws', 'sub'), { recursive: true });
  mkdirSync(join(dir, 'docs'));
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'ws', 'notes.txt'), 'plain notes');
  writeFileSync(join(dir, 'ws', '.env'), 'API_KEY=sk-live-secret');
  writeFileSync(join(dir, 'outside', 'id_rsa'), 'PRIVATE KEY');
  symlinkSync(join(dir, 'outside', 'id_rsa'), join(dir, 'ws', 'key.txt'));
  writeFileSync(join(dir, 'docs', 'readme.md'), 'docs readme');
  gateway = await startHttpGateway(config);
  reader = await connectHttp(gateway.url, 't-reader');
  narrow = await connectHttp(gateway.url, 't-narrow');
  docsreader = await connectHttp(gateway.url, 't-docs');
  clients.push(reader, narrow, docsreader);
});
afterAll(async () => {
  // Cleanup only: a client that fails to close cannot change what the tests asserted.
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await gateway?.stop();
});

const fileUri = (relative: string) => `file://${config.dir}/${relative}`;

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the request to be refused, but it was answered');
}

test('readonly, no resource rule: a server whose tools the agent may use has readable resources (fixture://hello → allow)', async () => {
  const read = await reader.readResource({ uri: 'fixture://hello' });
  expect(JSON.stringify(read.contents)).toContain('Hello from the fixture');
  expect(JSON.stringify((await reader.readResource({ uri: fileUri('ws/notes.txt') })).contents)).toContain('plain notes');
});

test('a server with no tool the agent may use keeps its resources: docs (no tools) and secret (tools denied) → deny', async () => {
  const uris = (await reader.listResources()).resources.map((r) => r.uri);
  expect(uris).toContain(fileUri('ws/notes.txt'));
  expect(uris).not.toContain(fileUri('docs/readme.md'));
  // The only upstream able to serve the URI is docs, which this agent may not use.
  const nodocs = await connectHttp(gateway.url, 't-nodocs');
  clients.push(nodocs);
  expect((await nodocs.listResources()).resources.map((r) => r.uri)).toEqual(['fixture://hello']);
  expect(await refusal(nodocs.readResource({ uri: fileUri('docs/readme.md') }))).not.toContain('docs readme');
  const prompts = (await reader.listPrompts()).prompts.map((p) => p.name);
  expect(prompts).toContain('echo_greet');
  expect(prompts).not.toContain('secret_greet');
});

test('an explicit resource: rule opens a server without tools (resource:docs/** → allow)', async () => {
  expect(JSON.stringify((await docsreader.readResource({ uri: fileUri('docs/readme.md') })).contents)).toContain('docs readme');
  // echo follows its allowed tool; files (no tool allowed, no rule) stays closed.
  expect((await docsreader.listResources()).resources.map((r) => r.uri).sort()).toEqual([fileUri('docs/readme.md'), 'fixture://hello']);
});

test.each([
  ['the file itself', 'ws/.env'],
  ['a percent-encoded dot', 'ws/%2Eenv'],
  ['a ".." segment', 'ws/sub/../.env'],
  ['an encoded ".." segment', 'ws/sub/%2e%2e/.env'],
  ['another case', 'ws/.ENV'],
  ['a symlink to a private key', 'ws/key.txt'],
])('readonly: a sensitive file:// path is denied whatever its spelling (%s: %s)', async (_label, relative) => {
  const message = await refusal(reader.readResource({ uri: fileUri(relative) }));
  expect(message).toContain('is a sensitive path');
  expect(message).not.toContain('sk-live-secret');
  expect(message).not.toContain('PRIVATE KEY');
});

test.each([
  ['an upper-case scheme', () => `FILE://${config.dir}/ws/.env`, 'is a sensitive path'],
  ['a remote host', () => `file://evil.example${config.dir}/ws/notes.txt`, 'cannot be resolved to a file path'],
  ['an encoded "/"', () => `file://${config.dir}/ws%2F.env`, 'cannot be resolved to a file path'],
])('a file:// URI with %s is denied', async (_label, uri, reason) => {
  const message = await refusal(reader.readResource({ uri: uri() }));
  expect(message).toContain(reason);
  expect(message).not.toContain('sk-live-secret');
});

test('resources/list leaves out what a read would deny (.env, the symlinked key)', async () => {
  const uris = (await reader.listResources()).resources.map((r) => r.uri);
  expect(uris).toContain(fileUri('ws/notes.txt'));
  expect(uris).not.toContain(fileUri('ws/.env'));
  expect(uris).not.toContain(fileUri('ws/key.txt'));
});

test('resource: rules: allow wins only where no deny matches, and a server with rules is default deny', async () => {
  expect(JSON.stringify((await narrow.readResource({ uri: 'fixture://greeting/alice' })).contents)).toContain('Hello, alice!');
  for (const uri of ['fixture://greeting/mallory', 'fixture://GREETING/MALLORY', 'fixture://greeting/%6Dallory', 'fixture://greeting/x/../mallory']) {
    expect(await refusal(narrow.readResource({ uri }))).toContain('matches the deny rule "resource:echo/fixture://greeting/mallory"');
  }
  expect(await refusal(narrow.readResource({ uri: 'fixture://hello' }))).toContain('No allow rule matches "resource:echo/fixture://hello"');
  expect(await refusal(narrow.subscribeResource({ uri: 'fixture://greeting/mallory' }))).toContain('deny rule');
  expect((await narrow.listResources()).resources.map((r) => r.uri)).not.toContain('fixture://hello');
});

test('prompt: deny rules hide the prompt, refuse prompts/get and refuse its completions', async () => {
  expect((await narrow.listPrompts()).prompts.map((p) => p.name)).not.toContain('echo_greet');
  expect(await refusal(narrow.getPrompt({ name: 'echo_greet', arguments: { name: 'x' } }))).toMatch(/not offered|deny rule "prompt:echo\/greet"/);
  // Routed by the upstream's name too, once the list has been fetched: still denied.
  const completion = narrow.complete({ ref: { type: 'ref/prompt', name: 'echo_greet' }, argument: { name: 'name', value: 'A' } });
  expect(await refusal(completion)).toMatch(/not offered|deny rule "prompt:echo\/greet"/);
  const reader_ = await reader.complete({ ref: { type: 'ref/prompt', name: 'echo_greet' }, argument: { name: 'name', value: 'A' } });
  expect(reader_.completion.values).toEqual(['Alice']);
});

test('an ask rule on a resource puts the read to a person; a subscription to it is denied', async () => {
  const asker = await connectHttp(gateway.url, 't-asker', {
    capabilities: { elicitation: {} },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        approvalPrompts.push(request.params.message);
        return { action: 'accept', content: { decision: 'approve' } };
      }),
  });
  clients.push(asker);
  const read = await asker.readResource({ uri: 'fixture://hello' });
  expect(JSON.stringify(read.contents)).toContain('Hello from the fixture');
  expect(approvalPrompts).toHaveLength(1);
  expect(approvalPrompts[0]).toContain('echo/resources/read');
  expect(approvalPrompts[0]).toContain('fixture://hello');
  expect(await refusal(asker.subscribeResource({ uri: 'fixture://hello' }))).toContain('A person is asked only when the resource itself is read');
  expect(approvalPrompts).toHaveLength(1);
});

test('every access is audited with its subject, method and decision', async () => {
  await refusal(reader.readResource({ uri: fileUri('ws/.env') }));
  await eventually(() => readAudit(config.dir).some((r) => r.event === 'access' && r.tool === `resource:files/${fileUri('ws/.env')}`));
  const denied = readAudit(config.dir).find((r) => r.event === 'access' && r.tool === `resource:files/${fileUri('ws/.env')}`)!;
  expect(denied).toMatchObject({ agent: 'reader', method: 'resources/read', decision: 'deny', outcome: 'denied' });
  expect(denied.reasons.map((r) => r.layer)).toContain('inspection');
  await reader.readResource({ uri: 'fixture://hello' });
  await eventually(() => readAudit(config.dir).some((r) => r.event === 'access' && r.tool === 'resource:echo/fixture://hello' && r.outcome === 'ok'));
});

test('resources/updated for a URI the agent may not read is dropped; for one it may, it arrives', async () => {
  const watch = async (agent: string) => {
    const seen = { updated: [] as string[], listChanged: 0 };
    const conn = await connectStdio(config, agent, {
      setup: (client) => {
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.updated.push(n.params.uri));
        client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void (seen.listChanged += 1));
      },
    });
    return { conn, seen };
  };
  const blind = await watch('blind');
  const eval_ = await watch('asker');
  try {
    // The fixture sends resources/updated for fixture://hello, then resources/list_changed.
    await blind.conn.client.callTool({ name: 'echo_touch_resource', arguments: {} });
    await eval_.conn.client.callTool({ name: 'echo_touch_resource', arguments: {} });
    await eventually(() => eval_.seen.updated.length > 0 && blind.seen.listChanged > 0);
    expect(eval_.seen.updated).toEqual(['fixture://hello']);
    expect(blind.seen.updated).toEqual([]);
  } finally {
    await blind.conn.close();
    await eval_.conn.close();
  }
});
