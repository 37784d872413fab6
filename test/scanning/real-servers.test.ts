// The real reference servers raise no finding: server-everything and server-filesystem, started as
// their own processes and listed with the SDK's Client over stdio (tools, prompts, resource templates
// and instructions), the client declaring every capability so that server-everything registers every
// tool it has. Their text is the baseline the rules were tuned against, and the length limits' origin.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, test } from 'vitest';
import { scanEntities, type ScanEntity } from '../../src/scanning/index.js';
import { LIMITS } from '../../src/scanning/fields.js';
import { EVERYTHING, FILESYSTEM } from '../e2e/harness.js';

async function listEverything(server: string, args: string[]): Promise<ScanEntity[]> {
  const client = new Client({ name: 'scan-test', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } });
  client.setRequestHandler((await import('@modelcontextprotocol/sdk/types.js')).ListRootsRequestSchema, () => ({ roots: [] }));
  await client.connect(new StdioClientTransport({ command: process.execPath, args, stderr: 'ignore' }));
  try {
    const caps = client.getServerCapabilities() ?? {};
    const entities: ScanEntity[] = [];
    const instructions = client.getInstructions();
    if (instructions) entities.push({ kind: 'instructions', server, name: server, definition: instructions });
    for (const tool of (await client.listTools()).tools) entities.push({ kind: 'tool', server, name: tool.name, definition: tool });
    if (caps.prompts) for (const prompt of (await client.listPrompts()).prompts) entities.push({ kind: 'prompt', server, name: prompt.name, definition: prompt });
    if (caps.resources) for (const t of (await client.listResourceTemplates()).resourceTemplates) entities.push({ kind: 'resource-template', server, name: t.name, definition: t });
    return entities;
  } finally {
    await client.close();
  }
}

test('server-everything and server-filesystem raise no finding', { timeout: 60_000 }, async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'warden-scan-'));
  const everything = await listEverything('everything', [EVERYTHING, 'stdio']);
  const filesystem = await listEverything('filesystem', [FILESYSTEM, workspace]);
  // The lists are the real ones, not empty: the scan below has something to pass.
  const count = (entities: ScanEntity[], kind: ScanEntity['kind']) => entities.filter((e) => e.kind === kind).length;
  // 16 with sampling, elicitation and roots declared (13 without): every capability was seen.
  expect(count(everything, 'tool')).toBeGreaterThanOrEqual(16);
  expect(count(everything, 'prompt')).toBeGreaterThanOrEqual(4);
  expect(count(everything, 'resource-template')).toBeGreaterThanOrEqual(2);
  expect(count(everything, 'instructions')).toBe(1);
  expect(count(filesystem, 'tool')).toBeGreaterThanOrEqual(14);
  expect(scanEntities([...everything, ...filesystem], { serverIds: ['everything', 'filesystem'] })).toEqual([]);
  // And each alone, as the gateway may scan one server's list at a time.
  expect(scanEntities(everything, { serverIds: ['everything', 'filesystem'] })).toEqual([]);
  expect(scanEntities(filesystem, { serverIds: ['everything', 'filesystem'] })).toEqual([]);
  // The limits keep a wide margin over the longest real text.
  const longest = Math.max(...[...everything, ...filesystem].filter((e) => e.kind === 'tool').map((e) => String((e.definition as { description?: string }).description ?? '').length));
  expect(longest).toBeLessThan(LIMITS.description / 4);
});
