// The idle sweep on a fake clock: it asks the table to close stale sessions every half timeout
// (between 1 s and 1 min), and stops when told.
import { afterEach, expect, test, vi } from 'vitest';
import { sweepIdleSessions, sweepIntervalMs } from '../../src/front/idle-sweep.js';
import { SessionTable } from '../../src/front/session-table.js';

afterEach(() => {
  vi.useRealTimers();
});

test.each([
  [400, 1_000],
  [5 * 60_000, 60_000],
  [10_000, 5_000],
])('an idle timeout of %i ms is swept every %i ms', (idle, every) => {
  expect(sweepIntervalMs(idle)).toBe(every);
});

test('idle sessions are closed by the sweep, busy and recent ones kept, until it stops', async () => {
  vi.useFakeTimers({ now: 0 });
  const closed: string[] = [];
  const sessions = new SessionTable<string>({ maxPerAgent: 5, evictAfterMs: 0, close: async (_value, id) => void closed.push(id) });
  for (const id of ['idle', 'streaming', 'late']) {
    sessions.admit('a', 0);
    sessions.add(id, 'a', id, 0);
  }
  sessions.begin('streaming', 0);
  const stop = sweepIdleSessions(sessions, 1_500, { clock: () => Date.now() });
  sessions.touch('late', 900);
  await vi.advanceTimersByTimeAsync(1_000);
  expect(closed).toEqual([]);
  await vi.advanceTimersByTimeAsync(1_000);
  expect(closed).toEqual(['idle']);
  stop();
  await vi.advanceTimersByTimeAsync(10_000);
  expect(closed).toEqual(['idle']);
  expect(sessions.ids()).toEqual(['streaming', 'late']);
});
