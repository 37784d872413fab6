// The restart schedule: at once after the first failure, then doubling from the initial delay up
// to the cap, and from scratch after a connection that was stable.
import { expect, test } from 'vitest';
import { RestartBackoff } from '../../src/upstream/restart-backoff.js';

test('delays double from the initial delay up to the cap', () => {
  const backoff = new RestartBackoff();
  expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((failures) => backoff.delayFor(failures))).toEqual([0, 250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('the remaining wait counts from the failure', () => {
  const backoff = new RestartBackoff({ initialMs: 100 });
  backoff.recordFailure(1000);
  expect(backoff.remainingMs(1000)).toBe(0);
  backoff.recordFailure(2000);
  expect(backoff.remainingMs(2000)).toBe(100);
  expect(backoff.remainingMs(2060)).toBe(40);
  backoff.recordFailure(3000);
  expect(backoff.remainingMs(3000)).toBe(200);
});

test('a failure after a stable period starts the schedule again', () => {
  const backoff = new RestartBackoff({ initialMs: 100, stableMs: 1000 });
  backoff.recordFailure(0);
  backoff.recordFailure(10);
  backoff.recordFailure(20, 15);
  expect(backoff.remainingMs(20)).toBe(200);
  backoff.recordFailure(5000, 3000);
  expect(backoff.remainingMs(5000)).toBe(0);
});
