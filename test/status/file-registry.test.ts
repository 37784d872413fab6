// The file registry: one private file per gateway, written whole; a dead gateway's file is skipped
// and removed by the reader, whether its pid is free or now belongs to a process started later.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { processStartOf } from '../../src/approval/gateway-owner.js';
import { FileGatewayRegistry } from '../../src/status/file-registry.js';
import type { GatewayEntry } from '../../src/status/gateway-entry.js';

function entry(pid: number, started: string | undefined, startedAt = 1): GatewayEntry {
  return { pid, host: hostname(), ...(started ? { started } : {}), kind: 'http', url: 'http://127.0.0.1:1/mcp', config: '/g.yaml', environment: 'dev', startedAt, sessions: [], updatedAt: startedAt };
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

test('entries of live gateways are listed oldest first; dead ones are dropped and their files removed', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'warden-registry-'));
  const registry = new FileGatewayRegistry({ stateDir });
  expect(await registry.live()).toEqual([]);
  const self = entry(process.pid, processStartOf(process.pid), 20);
  const parent = entry(process.ppid, processStartOf(process.ppid), 10);
  await registry.publish(self);
  await registry.publish(parent);
  await registry.publish(entry(deadPid(), '123'));
  // A file that is not an entry is skipped (and left alone).
  writeFileSync(join(stateDir, 'gateways', '7.json'), 'not json');

  expect(await registry.live()).toEqual([parent, self]);
  const left = readdirSync(join(stateDir, 'gateways')).sort();
  expect(left).toEqual([`${process.pid}.json`, `${process.ppid}.json`, '7.json'].sort());
  expect(statSync(join(stateDir, 'gateways', `${process.pid}.json`)).mode & 0o777).toBe(0o600);
  expect(statSync(join(stateDir, 'gateways')).mode & 0o777).toBe(0o700);

  await registry.withdraw(process.pid);
  await registry.withdraw(process.pid);
  expect(await registry.live()).toEqual([parent]);
});

test('a gateway whose pid now belongs to a process that started at another time is not listed', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'warden-registry-'));
  const registry = new FileGatewayRegistry({ stateDir });
  await registry.publish(entry(process.pid, '1'));
  expect(await registry.live()).toEqual([]);
  expect(readdirSync(join(stateDir, 'gateways'))).toEqual([]);
});
