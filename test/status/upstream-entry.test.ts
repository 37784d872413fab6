// How status folds an upstream's events into one state and words it.
import { expect, test } from 'vitest';
import type { UpstreamStateEvent } from '../../src/gateway/observer.js';
import type { UpstreamEntry } from '../../src/status/gateway-entry.js';
import { describeUpstream, initialUpstream, nextUpstream } from '../../src/status/upstream-entry.js';

const WHY = 'Cannot start upstream "db": command "pg-mcp" was not found (ENOENT)';

/** Folds `events` (at 1000, 2000, …) from the initial state; `up` is tracked as the tracker does. */
function fold(lazy: boolean, events: Array<Omit<UpstreamStateEvent, 'server' | 'agent' | 'session' | 'at'>>): UpstreamEntry {
  let entry = initialUpstream(lazy, 0);
  let everUp = false;
  events.forEach((event, index) => {
    entry = nextUpstream(entry, { server: 'db', agent: 'a', session: 's', at: (index + 1) * 1000, ...event }, everUp);
    if (event.state === 'up') everUp = true;
  });
  return entry;
}

test.each<[string, boolean, Array<Omit<UpstreamStateEvent, 'server' | 'agent' | 'session' | 'at'>>, number, string]>([
  ['no event, lazy', true, [], 0, 'not started (lazy: starts on first use)'],
  ['no event, eager', false, [], 0, 'not started'],
  ['first attempt under way', false, [{ state: 'starting' }], 1000, 'starting'],
  ['up', false, [{ state: 'starting' }, { state: 'up', attempts: 1 }], 2000, 'up'],
  ['never came up', false, [{ state: 'starting' }, { state: 'failed', attempts: 3, error: WHY, retryInMs: 4000 }], 2000, `failed: ${WHY} (attempt 3, next try in 4.0 s)`],
  ['the next attempt under way after a failure', false, [{ state: 'failed', attempts: 1, error: WHY, retryInMs: 250 }, { state: 'starting' }], 2000, `failed: ${WHY} (attempt 1, trying again now)`],
  ['a retry time that has passed', false, [{ state: 'failed', attempts: 2, error: WHY, retryInMs: 500 }], 1600, `failed: ${WHY} (attempt 2, trying again now)`],
  ['a required server: no more attempts', false, [{ state: 'failed', attempts: 1, error: WHY }], 1000, `failed: ${WHY} (attempt 1, no more attempts)`],
  ['up, then lost', false, [{ state: 'up', attempts: 1 }, { state: 'down', error: 'Upstream "db" exited with code 1' }], 2000, 'down: Upstream "db" exited with code 1 (restarts on the next call)'],
  ['up, lost, and failing to come back', false, [{ state: 'up', attempts: 1 }, { state: 'down', error: 'exited' }, { state: 'starting' }, { state: 'failed', attempts: 3, error: WHY, retryInMs: 12_400 }], 4000, `restarting (attempt 3, next in 12 s): ${WHY}`],
  ['back up after failures', false, [{ state: 'failed', attempts: 1, error: WHY, retryInMs: 0 }, { state: 'starting' }, { state: 'up', attempts: 2 }], 3000, 'up'],
  ['stopped with its session', false, [{ state: 'up', attempts: 1 }, { state: 'stopped' }], 2000, 'stopped'],
])('%s', (_name, lazy, events, now, text) => {
  expect(describeUpstream(fold(lazy, events), now)).toBe(text);
});

test('a run of failures keeps the time of its first failure, and an up clears the error', () => {
  const failing = fold(false, [{ state: 'failed', attempts: 1, error: WHY, retryInMs: 0 }, { state: 'starting' }, { state: 'failed', attempts: 2, error: WHY, retryInMs: 250 }]);
  expect(failing).toEqual({ state: 'failed', attempts: 2, error: WHY, retryAt: 3250, since: 1000 });
  const up = fold(false, [{ state: 'failed', attempts: 1, error: WHY, retryInMs: 0 }, { state: 'up', attempts: 2 }]);
  expect(up).toEqual({ state: 'up', since: 2000 });
});
