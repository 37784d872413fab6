// audit.required: a sink that says records cannot be stored now (admit rejects) means the call is
// refused and never reaches the upstream; a sink that could not store the record of a forwarded call
// means its result is withheld. A sink without admit (the JSONL file) changes nothing.
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
import { WardenError } from '../../src/errors.js';
import type { AuditRecord, AuditSink } from '../../src/audit/types.js';
import type { GatewayDeps } from '../../src/gateway/types.js';
import { createEchoServer } from '../fixtures/echo-tools.mjs';

const YAML = `
servers:
  echo: { command: node, args: [unused.mjs], readonly: [echo, stats] }
agents:
  a: { allow: ["echo/*"] }
`;

/** A required sink whose store is up or down, as the test says. */
function switchableSink(): AuditSink & { up: boolean; failWrites: boolean; records: AuditRecord[] } {
  const sink = {
    up: true,
    failWrites: false,
    records: [] as AuditRecord[],
    async write(record: AuditRecord) {
      if (sink.failWrites) return new WardenError('STORE_UNAVAILABLE', 'audit store unreachable: connection terminated');
      sink.records.push(record);
      return undefined;
    },
    async admit() {
      if (!sink.up) throw new WardenError('STORE_UNAVAILABLE', 'audit store unreachable: connect ECONNREFUSED 127.0.0.1:5432');
    },
    async close() {},
  };
  return sink;
}

async function connect(audit: AuditSink) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-required-'));
  const config = parseConfig(YAML, { file: join(dir, 'gateway.yaml'), env: {}, cwd: dir });
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
  const text = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0]!.text;
  const upstreamCalls = async () => (JSON.parse(text(await client.callTool({ name: 'echo_stats', arguments: {} }))) as { calls: number }).calls;
  return {
    client,
    text,
    upstreamCalls,
    close: async () => {
      await client.close();
      await opened.session.close();
    },
  };
}

test('the audit store down: the call is refused with the reason and never forwarded', async () => {
  const audit = switchableSink();
  const gateway = await connect(audit);
  const before = await gateway.upstreamCalls();
  audit.up = false;
  const refused = await gateway.client.callTool({ name: 'echo_echo', arguments: { text: 'hi' } });
  expect(refused.isError).toBe(true);
  expect(gateway.text(refused)).toBe(
    'Call to "echo/echo" refused: its audit record cannot be stored (audit store unreachable: connect ECONNREFUSED 127.0.0.1:5432); audit.required is on, so the call was not forwarded',
  );
  audit.up = true;
  expect(await gateway.upstreamCalls()).toBe(before);
  // Its record was still offered to the sink, as an error.
  expect(audit.records.find((r) => r.tool === 'echo/echo')).toMatchObject({ decision: 'deny', outcome: 'error', error: 'audit store unreachable' });
  await gateway.close();
});

test('a forwarded call whose record was not stored: the result is withheld', async () => {
  const audit = switchableSink();
  const gateway = await connect(audit);
  audit.failWrites = true;
  const withheld = await gateway.client.callTool({ name: 'echo_echo', arguments: { text: 'secret result' } });
  expect(withheld.isError).toBe(true);
  expect(gateway.text(withheld)).toBe(
    'Call to "echo/echo" refused: its audit record could not be stored (audit store unreachable: connection terminated); audit.required is on, so its result is withheld',
  );
  expect(JSON.stringify(withheld)).not.toContain('secret result');
  audit.failWrites = false;
  expect(gateway.text(await gateway.client.callTool({ name: 'echo_echo', arguments: { text: 'back' } }))).toContain('back');
  await gateway.close();
});
