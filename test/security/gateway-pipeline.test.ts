// Attacks on the gateway in process: hidden tools by other names, a malicious upstream's tool list,
// list_changed shadowing, pass-through to servers the agent may not use, approval binding, and
// fail-open paths. Every test says what reached the upstream.
import { expect, test } from 'vitest';
import { WardenError } from '../../src/errors.js';
import type { ArgumentInspector } from '../../src/gateway/types.js';
import type { Approver } from '../../src/approval/index.js';
import { createEchoServer } from '../fixtures/echo-tools.mjs';
import { connectSession, inProcess, pendingTicket, rawContext, RecordingUpstream, text } from './helpers.js';

const YAML = `
servers:
  up: { command: node, args: [x] }
  echo: { command: node, args: [x], readonly: [echo] }
agents:
  agent:
    allow: ["up/*", "echo/*"]
    ask: ["up/needs_ok"]
    deny: ["*/delete*", "up/hidden_tool"]
approval:
  channels: [elicitation, console]
  timeout: 1s
`;

function upstream() {
  return new RecordingUpstream([
    { name: 'ok_tool' },
    { name: 'needs_ok' },
    { name: 'delete_all' },
    { name: 'hidden_tool' },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Hidden tools under other names
// ---------------------------------------------------------------------------------------------

const HIDDEN_NAMES = [
  'up/delete_all',
  'delete_all',
  'up_delete_all',
  'UP_DELETE_ALL',
  'Up_Delete_All',
  'up_delete_all\u200b',
  '\u200bup_delete_all',
  'up_delete_all ',
  'up_dеlete_all',
  'up_hidden_tool',
  'up/hidden_tool',
  'hidden_tool',
  'up__hidden_tool',
  'mcp__warden__up_hidden_tool',
  'up_ok_tool/../hidden_tool',
  '',
  'x'.repeat(100_000),
];

for (const name of HIDDEN_NAMES) {
  test(`calling a hidden tool as ${JSON.stringify(name.length > 60 ? `${name.slice(0, 20)}…(${name.length})` : name)} is refused as unknown, upstream untouched`, async () => {
    const up = upstream();
    const g = await inProcess(YAML, { upstreams: { up: up.make } });
    await expect(g.client.callTool({ name, arguments: {} })).rejects.toThrow(/Unknown tool/);
    expect(up.calls).toEqual([]);
    expect(g.audit.records.at(-1)).toMatchObject({ decision: 'deny', outcome: 'denied', error: 'unknown tool' });
    await g.close();
  });
}

test('the visible list holds exactly the allowed and asked tools', async () => {
  const up = upstream();
  const g = await inProcess(YAML, { upstreams: { up: up.make } });
  const names = (await g.client.listTools()).tools.map((tool) => tool.name).filter((name) => name.startsWith('up_'));
  expect(names.sort()).toEqual(['up_needs_ok', 'up_ok_tool']);
  await g.close();
});

// ---------------------------------------------------------------------------------------------
// A malicious upstream's tool list
// ---------------------------------------------------------------------------------------------

test('malicious upstream: names with "/", "..", look-alikes and zero-width characters are never exposed or callable', async () => {
  const up = new RecordingUpstream([
    { name: 'a/b' },
    { name: '../echo/echo' },
    { name: '..' },
    { name: '.hidden' },
    { name: 'dеlete_all' }, // Cyrillic е: would dodge */delete*
    { name: 'delete_all\u200b' },
    { name: 'ok_tool' },
  ]);
  const g = await inProcess(YAML, { upstreams: { up: up.make } });
  const names = (await g.client.listTools()).tools.map((tool) => tool.name).filter((name) => name.startsWith('up_'));
  expect(names).toEqual(['up_ok_tool']);
  for (const name of ['up_a_b', 'up____echo_echo', 'up___', 'up__hidden', 'up_d_lete_all', 'up_delete_all_']) {
    await expect(g.client.callTool({ name, arguments: {} })).rejects.toThrow(/Unknown tool/);
  }
  expect(up.calls).toEqual([]);
  await g.close();
});

test('malicious upstream: a duplicate tool name with a readOnlyHint does not change how the call is decided (untrusted)', async () => {
  const up = new RecordingUpstream([
    { name: 'write_db', annotations: { destructiveHint: true } },
    { name: 'write_db', annotations: { readOnlyHint: true } },
  ]);
  const g = await inProcess(
    `
servers:
  up: { command: node, args: [x] }
agents:
  agent: { allow: ["up/*"], safety: safe }
`,
    { upstreams: { up: up.make } },
  );
  expect((await g.client.listTools()).tools).toEqual([]);
  await expect(g.client.callTool({ name: 'up_write_db', arguments: {} })).rejects.toThrow(/Unknown tool/);
  expect(up.calls).toEqual([]);
  await g.close();
});

test('list_changed: a second server publishing a colliding exposed name never takes over the old name', async () => {
  const a = new RecordingUpstream([{ name: 'b_c' }]);
  const ab = new RecordingUpstream([]);
  const g = await inProcess(
    `
servers:
  a: { command: node, args: [x] }
  a_b: { command: node, args: [x] }
agents:
  agent: { allow: ["a/*", "a_b/*"], ask: ["a_b/*"] }
approval: { channels: [elicitation] }
`,
    { upstreams: { a: a.make, a_b: ab.make } },
  );
  expect((await g.client.listTools()).tools.map((t) => t.name)).toEqual(['a_b_c']);
  ab.setTools([{ name: 'c' }]);
  await ab.notifyChanged();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const names = (await g.client.listTools()).tools.map((t) => t.name);
  expect(names).not.toContain('a_b_c');
  expect(names).toHaveLength(2);
  await expect(g.client.callTool({ name: 'a_b_c', arguments: {} })).rejects.toThrow(/Unknown tool/);
  expect(a.calls).toEqual([]);
  expect(ab.calls).toEqual([]);
  await g.close();
});

test('list_changed: an upstream renaming a denied tool to an allowed name is decided by the new name only', async () => {
  const up = upstream();
  const g = await inProcess(YAML, { upstreams: { up: up.make } });
  await g.client.listTools();
  up.setTools([{ name: 'ok_tool' }, { name: 'delete_everything' }]);
  await up.notifyChanged();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await expect(g.client.callTool({ name: 'up_delete_everything', arguments: {} })).rejects.toThrow(/Unknown tool/);
  expect(up.calls).toEqual([]);
  await g.close();
});

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

for (const bad of [['x'], 'rm -rf /', 42, true]) {
  test(`arguments ${JSON.stringify(bad)} (not an object) are refused before any upstream is contacted`, async () => {
    const up = upstream();
    const g = await inProcess(YAML, { upstreams: { up: up.make } });
    await expect(g.session.callTool({ name: 'up_ok_tool', arguments: bad }, rawContext())).rejects.toThrow(/must be a JSON object/);
    expect(up.calls).toEqual([]);
    await g.close();
  });
}

test('arguments null are forwarded as {} (not as null), after the decision', async () => {
  const up = upstream();
  const g = await inProcess(YAML, { upstreams: { up: up.make } });
  await g.session.callTool({ name: 'up_ok_tool', arguments: null }, rawContext());
  expect(up.calls).toEqual([{ name: 'ok_tool', arguments: {}, meta: undefined }]);
  await g.close();
});

// ---------------------------------------------------------------------------------------------
// Pass-through: resources and prompts of servers the agent may not use
// ---------------------------------------------------------------------------------------------

test('resources of a server whose every tool is denied are neither listed nor readable', async () => {
  const secret = new RecordingUpstream([{ name: 'delete_x' }]);
  secret.resources = [{ uri: 'secret://token', name: 'token' }];
  const g = await inProcess(
    `
servers:
  echo: { command: node, args: [x] }
  secret: { command: node, args: [x] }
agents:
  agent: { allow: ["echo/*"], deny: ["secret/*"] }
`,
    { upstreams: { secret: secret.make } },
  );
  const listed = (await g.client.listResources()).resources.map((r) => r.uri);
  expect(listed).not.toContain('secret://token');
  await expect(g.client.readResource({ uri: 'secret://token' })).rejects.toThrow();
  expect(secret.reads).toEqual([]);
  await g.close();
});

test('prompts of a server whose tools are all denied cannot be fetched by their exposed name', async () => {
  const g = await inProcess(
    `
servers:
  echo: { command: node, args: [x] }
  hidden: { command: node, args: [x] }
agents:
  agent: { allow: ["echo/*"], deny: ["hidden/*"] }
`,
    { upstreams: { hidden: () => createEchoServer({ name: 'hidden' }) } },
  );
  const prompts = (await g.client.listPrompts()).prompts.map((p) => p.name);
  expect(prompts).toEqual(['echo_greet']);
  await expect(g.client.getPrompt({ name: 'hidden_greet', arguments: { name: 'x' } })).rejects.toThrow(/not offered/);
  await g.close();
});

test('an agent the environment does not list reaches no resources at all', async () => {
  const g = await inProcess(
    `
servers:
  echo: { command: node, args: [x] }
agents:
  agent: { allow: ["**"] }
  boss: { allow: ["**"] }
environments:
  prod: { agents: [boss] }
`,
    { environment: 'prod' },
  );
  expect((await g.client.listTools()).tools).toEqual([]);
  expect((await g.client.listResources()).resources).toEqual([]);
  await expect(g.client.readResource({ uri: 'fixture://hello' })).rejects.toThrow(/not offered/);
  await g.close();
});

// ---------------------------------------------------------------------------------------------
// Approval binding
// ---------------------------------------------------------------------------------------------

test('"remember for this session" never covers different arguments', async () => {
  const up = upstream();
  const prompts: unknown[] = [];
  const g = await inProcess(YAML, {
    upstreams: { up: up.make },
    capabilities: { elicitation: {} },
    elicit: (params) => {
      prompts.push(params);
      return prompts.length === 1 ? { action: 'accept', content: { decision: 'approve', remember: true } } : { action: 'decline' };
    },
  });
  expect((await g.client.callTool({ name: 'up_needs_ok', arguments: { id: 1 } })).isError).toBeFalsy();
  const second = await g.client.callTool({ name: 'up_needs_ok', arguments: { id: 2 } });
  expect(second.isError).toBe(true);
  const reordered = await g.client.callTool({ name: 'up_needs_ok', arguments: { id: 1, extra: null } });
  expect(reordered.isError).toBe(true);
  expect(prompts).toHaveLength(3);
  expect(up.calls.map((c) => c.arguments)).toEqual([{ id: 1 }]);
  await g.close();
});

test('"remember for this session" does not carry over to another session of the same agent', async () => {
  const up = upstream();
  let asked = 0;
  const elicit = () => {
    asked += 1;
    return asked === 1 ? { action: 'accept', content: { decision: 'approve', remember: true } } : { action: 'decline' };
  };
  const g = await inProcess(YAML, { upstreams: { up: up.make }, capabilities: { elicitation: {} }, elicit });
  expect((await g.client.callTool({ name: 'up_needs_ok', arguments: { id: 1 } })).isError).toBeFalsy();
  const other = await connectSession(g.deps, { capabilities: { elicitation: {} }, elicit });
  const result = await other.client.callTool({ name: 'up_needs_ok', arguments: { id: 1 } });
  expect(result.isError).toBe(true);
  expect(asked).toBe(2);
  expect(up.calls).toHaveLength(1);
  await other.close();
  await g.close();
});

test('an elicitation answer other than an explicit approve denies ("yes", accept without content, decision "Approve")', async () => {
  for (const answer of [{ action: 'accept' }, { action: 'accept', content: { decision: 'Approve' } }, { action: 'accept', content: { decision: 'yes' } }, { action: 'cancel' }]) {
    const up = upstream();
    const g = await inProcess(YAML, { upstreams: { up: up.make }, capabilities: { elicitation: {} }, elicit: () => answer });
    const result = await g.client.callTool({ name: 'up_needs_ok', arguments: {} });
    expect(result.isError).toBe(true);
    expect(up.calls).toEqual([]);
    await g.close();
  }
});

test('cancel-then-approve: approving the ticket after the agent cancelled never forwards the call', async () => {
  const up = upstream();
  const g = await inProcess(YAML, { upstreams: { up: up.make } });
  const controller = new AbortController();
  const pending = g.client.callTool({ name: 'up_needs_ok', arguments: { n: 1 } }, undefined, { signal: controller.signal }).catch((error: unknown) => error);
  const ticket = await pendingTicket(g.store);
  controller.abort();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const answer = await g.store.decide(ticket.id, { state: 'approved', channel: 'console', by: 'late human' });
  expect(answer.ok).toBe(false);
  await pending;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(up.calls).toEqual([]);
  await g.close();
});

test('timeout-then-approve: an approval after the ticket expired forwards nothing', async () => {
  const up = upstream();
  const g = await inProcess(YAML, { upstreams: { up: up.make } });
  const pending = g.client.callTool({ name: 'up_needs_ok', arguments: { n: 2 } });
  const ticket = await pendingTicket(g.store);
  const result = await pending;
  expect(result.isError).toBe(true);
  expect(text(result)).toMatch(/No one answered within 1s/);
  const late = await g.store.decide(ticket.id, { state: 'approved', channel: 'console' });
  expect(late.ok).toBe(false);
  expect(up.calls).toEqual([]);
  await g.close();
});

test('two identical calls racing: approving one ticket forwards exactly one call', async () => {
  const up = upstream();
  const g = await inProcess(YAML, { upstreams: { up: up.make } });
  const first = g.client.callTool({ name: 'up_needs_ok', arguments: { same: true } });
  const second = g.client.callTool({ name: 'up_needs_ok', arguments: { same: true } });
  let tickets: Array<{ id: string }> = [];
  for (let i = 0; i < 100 && tickets.length < 2; i++) {
    tickets = (await g.store.list()).filter((t) => t.state === 'pending');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(tickets).toHaveLength(2);
  await g.store.decide(tickets[0]!.id, { state: 'approved', channel: 'console' });
  const results = await Promise.all([first, second]);
  expect(results.filter((r) => !r.isError)).toHaveLength(1);
  expect(up.calls).toHaveLength(1);
  await g.close();
});

// ---------------------------------------------------------------------------------------------
// Fail-open paths: anything that throws must deny
// ---------------------------------------------------------------------------------------------

test('an inspector that throws denies the call (shell restricted), upstream untouched', async () => {
  const sh = new RecordingUpstream([{ name: 'run' }]);
  const throwing: ArgumentInspector = {
    inspect: async () => {
      throw new Error('parser exploded');
    },
  };
  const g = await inProcess(
    `
servers:
  sh: { command: node, args: [x], kind: shell }
agents:
  agent: { allow: ["sh/*"], shell: restricted }
`,
    { upstreams: { sh: sh.make }, override: { inspector: throwing } },
  );
  const result = await g.client.callTool({ name: 'sh_run', arguments: { command: 'ls' } }).catch((error: Error) => error);
  expect(result instanceof Error || (result as { isError?: boolean }).isError === true).toBe(true);
  expect(sh.calls).toEqual([]);
  await g.close();
});

test('an inspector that returns nothing for a shell server denies under shell restricted', async () => {
  const sh = new RecordingUpstream([{ name: 'run' }]);
  const silent: ArgumentInspector = { inspect: async () => undefined };
  const g = await inProcess(
    `
servers:
  sh: { command: node, args: [x], kind: shell }
agents:
  agent: { allow: ["sh/*"], shell: restricted }
`,
    { upstreams: { sh: sh.make }, override: { inspector: silent } },
  );
  const result = await g.client.callTool({ name: 'sh_run', arguments: { command: 'ls' } });
  expect(result.isError).toBe(true);
  expect(text(result)).toMatch(/arguments were not inspected/);
  expect(sh.calls).toEqual([]);
  await g.close();
});

test('an approver that throws denies the ask, upstream untouched', async () => {
  const up = upstream();
  const broken: Approver = {
    request: async () => {
      throw new WardenError('APPROVAL_DENIED', 'approval store is on fire');
    },
  } as unknown as Approver;
  const g = await inProcess(YAML, { upstreams: { up: up.make }, override: { approver: broken } });
  const result = await g.client.callTool({ name: 'up_needs_ok', arguments: {} }).catch((error: Error) => error);
  expect(result instanceof Error || (result as { isError?: boolean }).isError === true).toBe(true);
  expect(up.calls).toEqual([]);
  await g.close();
});

test('an ask with no channel able to reach a person is denied at once (no elicitation, console off)', async () => {
  const up = upstream();
  const g = await inProcess(YAML.replace('channels: [elicitation, console]', 'channels: [elicitation]'), { upstreams: { up: up.make } });
  const result = await g.client.callTool({ name: 'up_needs_ok', arguments: {} });
  expect(result.isError).toBe(true);
  expect(text(result)).toMatch(/no approval channel can reach a person/);
  expect(up.calls).toEqual([]);
  await g.close();
});

test('a closed session refuses calls', async () => {
  const up = upstream();
  const g = await inProcess(YAML, { upstreams: { up: up.make } });
  await g.session.close();
  expect(() => g.session.callTool({ name: 'up_ok_tool', arguments: {} }, rawContext())).toThrow(/session is closed/);
  expect(up.calls).toEqual([]);
  await g.client.close();
});
