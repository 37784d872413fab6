// The registry the CLI owns: signalAll() reaches every recorded group and keeps it recorded for a
// later killAll(), which SIGKILLs whatever ignored the first signal and forgets them all.
import { expect, test } from 'vitest';
import { ChildRegistry } from '../../src/upstream/child-registry.js';
import { startGroup, startLeader } from './group-fixture.js';
import { isPidGone, waitFor } from './helpers.js';

test('signalAll() signals every group and keeps them recorded', async () => {
  const children = new ChildRegistry();
  const obeys = await startGroup({ ignoreSigterm: false });
  const ignores = await startGroup({ ignoreSigterm: true });
  children.add(obeys.pgid);
  children.add(ignores.pgid);
  expect(children.signalAll('SIGTERM')).toBe(2);
  expect(children.size).toBe(2);
  expect(await waitFor(() => isPidGone(obeys.pgid) && isPidGone(obeys.grandchild), 3000)).toBe(true);
  expect(isPidGone(ignores.pgid) || isPidGone(ignores.grandchild)).toBe(false);
});

test('killAll() SIGKILLs what ignored SIGTERM, grandchildren included, and forgets every group', async () => {
  const children = new ChildRegistry();
  const ignores = await startGroup({ ignoreSigterm: true });
  children.add(ignores.pgid);
  children.signalAll('SIGTERM');
  expect(children.killAll()).toBe(1);
  expect(children.size).toBe(0);
  expect(await waitFor(() => isPidGone(ignores.pgid) && isPidGone(ignores.grandchild), 3000)).toBe(true);
  // Forgotten: nothing is signalled again, even if the id is reused later.
  expect(children.signalAll('SIGKILL')).toBe(0);
});

test('a group that is gone is not counted as signalled, and delete() forgets it', async () => {
  const children = new ChildRegistry();
  const group = startLeader();
  children.add(group.pgid);
  process.kill(-group.pgid, 'SIGKILL');
  await group.exited;
  expect(children.signalAll('SIGTERM')).toBe(0);
  children.delete(group.pgid);
  expect(children.size).toBe(0);
});
