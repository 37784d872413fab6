// No answer leaves before its audit record is stored: the pipeline waits for the sink. Here the
// sink holds every write until the test lets it go, and the agent's call must wait with it, whatever
// the decision (allowed, denied after an ask nobody can answer, unknown tool).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { parseConfig } from '../../src/config/index.js';
import { createMemoryUpstream } from '../../src/upstream/index.js';
import { createInspector } from '../../src/inspect/index.js';
import { createApprover, MemoryTicketStore } from '../../src/approval/index.js';
import { openSession } from '../../src/front/open-session.js';
import type { AuditRecord, AuditSink } from '../../src/audit/types.js';
import type { GatewayDeps } from '../../src/gateway/types.js';
import { createEchoServer } from '../fixtures/echo-tools.mjs';

const YAML = `
servers:
  echo: { command: node, args: [unused.mjs], readonly: [echo] }
agents:
  a: { allow: ["echo/echo"], ask: ["echo/write_note"] }
approval: { non_interactive: deny }
`;

/** A sink that stores a record only when `release` is called. */
function heldSink(): AuditSink & { held: Array<{ record: AuditRecord; store: () => void }>; stored: AuditRecord[] } {
  const held: Array<{ record: AuditRecord; store: () => void }> = [];
  const stored: AuditRecord[] = [];
  return {
    held,
    stored,
    write(record) {
      return new Promise<void>((resolve) => held.push({ record, store: () => (stored.push(record), resolve()) }));
    },
    async close() {},
  };
}

test.each([
  ['an allowed call', 'echo_echo', { text: 'hi' }, 'ok'],
  ['a call denied after an ask', 'echo_write_note', { path: 'n', text: 'x' }, 'denied'],
  ['an unknown tool', 'echo_nope', {}, 'denied'],
])('%s is answered only after its record is stored', async (_label, name, args, outcome) => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-order-'));
  const config = parseConfig(YAML, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
  const audit = heldSink();
  const deps: GatewayDeps = {
    config,
    environment: 'dev',
    createUpstream: (server, opts) => createMemoryUpstream(server.id, () => createEchoServer({ name: server.id }), { hooks: opts.hooks }),
    inspector: createInspector(),
    approver: createApprover(config.approval, { nonInteractive: true, store: new MemoryTicketStore() }),
    audit,
  };
  const opened = await openSession(deps, 'a', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'unit', version: '1' } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await opened.connect(serverSide);
  const client = new Client({ name: 'unit', version: '1' });
  await client.connect(clientSide);

  let answered = false;
  const call = client.callTool({ name, arguments: args }).then(
    () => (answered = true),
    () => (answered = true),
  );
  const deadline = Date.now() + 5_000;
  while (audit.held.filter((entry) => entry.record.event === 'call').length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  const held = audit.held.find((entry) => entry.record.event === 'call')!;
  expect(held.record.outcome).toBe(outcome);
  // The answer is ready; it still waits for the record.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(answered).toBe(false);
  held.store();
  await call;
  expect(answered).toBe(true);
  expect(audit.stored).toHaveLength(1);
  await client.close();
  await opened.session.close();
});
