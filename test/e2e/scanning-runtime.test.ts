// Description scanning at run time, end to end: the poisoned fixture (Invariant Labs' tool-poisoning
// example as a real server) behind a real gateway. Under deny the poisoned tool is hidden and refused
// with the rule that fired; under warn it is served and each finding is audited once.
import { afterEach, expect, test } from 'vitest';
import { connectStdio, readAudit, textOf, writeConfig, type AuditLine, type StdioConnection } from './harness.js';

const configFor = (scanning: string) => `
servers:
  poison:
    command: node
    args: ["{{fixtures}}/poisoned-server.mjs"]
agents:
  dev:
    extends: [eval]
approval: { channels: [console], timeout: 60s }
scanning: ${scanning}
`;

let open: StdioConnection | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

type ScanLine = AuditLine & { finding?: { rule: string; field: string } };

test('deny: the poisoned tool is hidden and a call by its name is refused naming the rule; the clean one is served', { timeout: 60_000 }, async () => {
  const config = writeConfig(configFor('{ mode: deny }'));
  open = await connectStdio(config, 'dev');
  const names = (await open.client.listTools()).tools.map((tool) => tool.name);
  expect(names).toContain('poison_echo');
  expect(names).not.toContain('poison_add');
  const refused = await open.client.callTool({ name: 'poison_add', arguments: { a: 1, b: 2 } });
  expect(refused.isError).toBe(true);
  expect(textOf(refused)).toMatch(/Tool "poison\/add" shows signs of poisoning \(.+ in description.*\); denied by scanning: deny/);
  expect((await open.client.callTool({ name: 'poison_echo', arguments: { text: 'hi' } })).isError).toBeFalsy();
  const scans = readAudit<ScanLine>(config.dir).filter((record) => record.event === 'scan');
  expect(scans.length).toBeGreaterThan(0);
  expect(scans.every((record) => record.tool === 'poison/add' && record.decision === 'deny' && record.outcome === 'flagged')).toBe(true);
});

test('warn: the poisoned tool is served, its findings audited once however often it is listed', { timeout: 60_000 }, async () => {
  const config = writeConfig(configFor('{ mode: warn }'));
  open = await connectStdio(config, 'dev');
  expect((await open.client.listTools()).tools.map((tool) => tool.name)).toContain('poison_add');
  await open.client.listTools();
  expect((await open.client.callTool({ name: 'poison_add', arguments: { a: 1, b: 2 } })).isError).toBeFalsy();
  const scans = readAudit<ScanLine>(config.dir).filter((record) => record.event === 'scan' && record.tool === 'poison/add');
  const rules = scans.map((record) => `${record.finding!.rule} ${record.finding!.field}`);
  expect(rules.length).toBeGreaterThan(0);
  expect(new Set(rules).size).toBe(rules.length);
  expect(open.stderr()).toContain('Tool "poison/add" shows signs of poisoning');
});
