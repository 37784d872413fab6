// No child outlives its upstream: close() ends the whole process group, even a server that
// ignores SIGTERM and keeps a grandchild, and the CLI's ChildRegistry.killAll() is the last resort.
import { afterEach, expect, test } from 'vitest';
import { ChildRegistry } from '../../src/upstream/child-registry.js';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import type { Upstream } from '../../src/upstream/types.js';
import { isPidGone, stdioConfig, textOf, waitFor } from './helpers.js';

const open: Upstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

async function startStubborn(children?: ChildRegistry): Promise<{ upstream: Upstream; pid: number; grandchild: number }> {
  const upstream = createUpstream(stdioConfig('stubborn', 'ignore-sigterm.mjs'), { stderr: () => {}, children });
  open.push(upstream);
  const pids = JSON.parse(textOf(await upstream.callTool({ name: 'pids' }))) as { pid: number; grandchild: number };
  expect(isPidGone(pids.pid)).toBe(false);
  expect(isPidGone(pids.grandchild)).toBe(false);
  return { upstream, ...pids };
}

test('close() ends a server that ignores SIGTERM, and its grandchild', async () => {
  const { upstream, pid, grandchild } = await startStubborn();
  const startedAt = Date.now();
  await upstream.close();
  expect(Date.now() - startedAt).toBeLessThan(6000);
  expect(await waitFor(() => isPidGone(pid) && isPidGone(grandchild), 3000)).toBe(true);
});

test('the registry passed to createUpstream kills every live group at once', async () => {
  const children = new ChildRegistry();
  const { pid, grandchild } = await startStubborn(children);
  expect(children.size).toBe(1);
  expect(children.killAll()).toBe(1);
  expect(children.size).toBe(0);
  expect(await waitFor(() => isPidGone(pid) && isPidGone(grandchild), 3000)).toBe(true);
});

test('a closed upstream leaves the registry, so no later sweep signals a reused group id', async () => {
  const children = new ChildRegistry();
  const { upstream } = await startStubborn(children);
  expect(children.size).toBe(1);
  await upstream.close();
  expect(children.size).toBe(0);
});

test('a server that dies on its own takes its grandchildren with it', async () => {
  const { upstream, pid, grandchild } = await startStubborn();
  process.kill(pid, 'SIGKILL');
  expect(await waitFor(() => isPidGone(pid) && isPidGone(grandchild), 5000)).toBe(true);
  // And the upstream starts a fresh one on the next call.
  const next = JSON.parse(textOf(await upstream.callTool({ name: 'pids' }))) as { pid: number };
  expect(next.pid).not.toBe(pid);
});

test('close() of a well-behaved server is quick: it exits when its stdin ends', async () => {
  const upstream = createUpstream(stdioConfig('echo', 'echo-server.mjs'));
  open.push(upstream);
  const pid = Number(textOf(await upstream.callTool({ name: 'pid' })));
  const startedAt = Date.now();
  await upstream.close();
  expect(Date.now() - startedAt).toBeLessThan(900);
  expect(isPidGone(pid)).toBe(true);
});
