// The process-group helper: one signal reaches a leader and its grandchildren, and endGroup()
// escalates from SIGTERM to SIGKILL for a group that ignores SIGTERM.
import { expect, test } from 'vitest';
import { endGroup, isGroupAlive, signalGroup, waitGroupGone } from '../../src/upstream/process-group.js';
import { startGroup, startLeader } from './group-fixture.js';
import { isPidGone, waitFor } from './helpers.js';

test('signalGroup() reaches the grandchild too, not only the leader', async () => {
  const { pgid, grandchild } = await startGroup({ ignoreSigterm: false });
  expect(signalGroup(pgid, 'SIGTERM')).toBe(true);
  expect(await waitFor(() => isPidGone(pgid) && isPidGone(grandchild), 3000)).toBe(true);
  expect(isGroupAlive(pgid)).toBe(false);
});

test('signalGroup() says false for a group that no longer exists', async () => {
  const { pgid, exited } = startLeader();
  expect(signalGroup(pgid, 'SIGKILL')).toBe(true);
  await exited;
  expect(signalGroup(pgid, 'SIGTERM')).toBe(false);
});

test('endGroup() ends a group that obeys SIGTERM without waiting out the grace period', async () => {
  const { pgid, grandchild } = await startGroup({ ignoreSigterm: false });
  const startedAt = Date.now();
  expect(await endGroup(pgid, 5000)).toBe(true);
  expect(Date.now() - startedAt).toBeLessThan(4000);
  expect(isPidGone(pgid) && isPidGone(grandchild)).toBe(true);
});

test('endGroup() SIGKILLs a group that ignores SIGTERM once the grace period is over', async () => {
  const { pgid, grandchild } = await startGroup({ ignoreSigterm: true });
  // Proof that the fixture ignores SIGTERM: without escalation the group would still run.
  signalGroup(pgid, 'SIGTERM');
  expect(await waitGroupGone(pgid, 300)).toBe(false);
  const startedAt = Date.now();
  expect(await endGroup(pgid, 300)).toBe(true);
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
  expect(isPidGone(pgid) && isPidGone(grandchild)).toBe(true);
});

test('waitGroupGone() gives up at its deadline while the group runs', async () => {
  const { pgid } = await startGroup({ ignoreSigterm: false });
  const startedAt = Date.now();
  expect(await waitGroupGone(pgid, 200)).toBe(false);
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
  expect(isGroupAlive(pgid)).toBe(true);
});
