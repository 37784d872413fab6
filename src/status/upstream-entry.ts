// One upstream's state as status shows it: folded from the gateway's upstream events, and worded for
// a person. Pure: the clock is passed in.
import type { UpstreamStateEvent } from '../gateway/observer.js';
import type { UpstreamEntry } from './gateway-entry.js';

/** The entry before any event: not started yet. */
export function initialUpstream(lazy: boolean, now: number): UpstreamEntry {
  return { state: 'not-started', ...(lazy ? { lazy } : {}), since: now };
}

/**
 * The entry after `event`. A failure keeps saying why until the server is up again, so a start
 * attempt under way after failures stays `failed` / `restarting` (with no retry time: it is trying now).
 */
export function nextUpstream(previous: UpstreamEntry | undefined, event: UpstreamStateEvent, everUp: boolean): UpstreamEntry {
  const base = { ...(previous?.lazy ? { lazy: true } : {}), since: event.at };
  const failing = previous?.state === 'failed' || previous?.state === 'restarting';
  switch (event.state) {
    case 'starting':
      if (failing) {
        const { retryAt: _passed, ...kept } = previous;
        return { ...kept, retrying: true };
      }
      return { ...base, state: 'starting' };
    case 'up':
      return { ...base, state: 'up' };
    case 'failed':
      return {
        ...base,
        state: everUp ? 'restarting' : 'failed',
        ...(event.attempts ? { attempts: event.attempts } : {}),
        ...(event.error ? { error: event.error } : {}),
        ...(event.retryInMs !== undefined ? { retryAt: event.at + event.retryInMs } : {}),
        // Since the first failure of this run, not the latest attempt.
        since: failing ? previous.since : event.at,
      };
    case 'down':
      return { ...base, state: 'down', ...(event.error ? { error: event.error } : {}) };
    case 'stopped':
      return { ...base, state: 'stopped' };
  }
}

/** `up`, `failed: why (attempt 3, next try in 4.0 s)`, `restarting (attempt 3, next in 4.0 s): why`, `not started (lazy)`, … */
export function describeUpstream(entry: UpstreamEntry, now: number): string {
  const why = entry.error ?? 'no reason recorded';
  switch (entry.state) {
    case 'not-started':
      return entry.lazy ? 'not started (lazy: starts on first use)' : 'not started';
    case 'starting':
      return 'starting';
    case 'up':
      return 'up';
    case 'failed':
      return `failed: ${why} (${attemptText(entry, now, 'next try')})`;
    case 'restarting':
      return `restarting (${attemptText(entry, now, 'next')}): ${why}`;
    case 'down':
      return `down: ${why} (restarts on the next call)`;
    case 'stopped':
      return 'stopped';
  }
}

function attemptText(entry: UpstreamEntry, now: number, next: string): string {
  const attempt = entry.attempts ? `attempt ${entry.attempts}, ` : '';
  // An entry is rewritten on events only: a retry time that has passed is an attempt under way.
  if (entry.retrying || (entry.retryAt !== undefined && entry.retryAt <= now)) return `${attempt}trying again now`;
  if (entry.retryAt === undefined) return `${attempt}no more attempts`;
  return `${attempt}${next} in ${formatSeconds(entry.retryAt - now)}`;
}

/** `4.0 s`, `12 s`; never negative. */
export function formatSeconds(ms: number): string {
  const value = Math.max(0, ms) / 1000;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} s`;
}
