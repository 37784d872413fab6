// The session table without sockets: who may be evicted, and what a refused newcomer is told.
import { expect, test } from 'vitest';
import { SessionTable } from '../../src/front/session-table.js';

function table(options: { max?: number; evictAfterMs?: number; busy?: Set<string> } = {}) {
  const busy = options.busy ?? new Set<string>();
  return new SessionTable<string>({ maxPerAgent: options.max ?? 2, evictAfterMs: options.evictAfterMs ?? 60_000, busy: (value) => busy.has(value) });
}

/** Admits and adds session `id` for `agent` at `now`. */
function open(sessions: SessionTable<string>, id: string, now: number, agent = 'a'): void {
  expect(sessions.admit(agent, now)).toMatchObject({ admitted: true });
  sessions.add(id, agent, id, now);
}

test('below the cap a newcomer is admitted without evicting anyone', () => {
  const sessions = table();
  open(sessions, 's1', 0);
  expect(sessions.admit('a', 1)).toEqual({ admitted: true });
});

test.each([
  // [label, last use of s1 and s2 (ms), now, expected]
  ['both used a moment ago', [0, 10], 1_000, { admitted: false, retryAfterMs: 59_000 }],
  ['the older one just short of the quiet period', [0, 10], 59_999, { admitted: false, retryAfterMs: 1 }],
  ['the older one quiet for exactly the period', [0, 10], 60_000, { admitted: true, evicted: { id: 's1', value: 's1' } }],
  ['both quiet long: the one quiet longest goes', [50, 10], 100_000, { admitted: true, evicted: { id: 's2', value: 's2' } }],
])('at the cap, %s', (_label, [first, second], now, expected) => {
  const sessions = table();
  open(sessions, 's1', first!);
  open(sessions, 's2', second!);
  expect(sessions.admit('a', now)).toEqual(expected);
});

test('a session with a request or stream open is never evicted, however long ago it began', () => {
  const sessions = table();
  open(sessions, 's1', 0);
  open(sessions, 's2', 0);
  sessions.begin('s1', 0);
  sessions.begin('s2', 0);
  // None is quiet: a session that went quiet now would be evictable after the whole period.
  expect(sessions.admit('a', 1_000_000)).toEqual({ admitted: false, retryAfterMs: 60_000 });
  sessions.end('s2', 1_000_000);
  expect(sessions.admit('a', 1_030_000)).toEqual({ admitted: false, retryAfterMs: 30_000 });
  expect(sessions.admit('a', 1_060_000)).toEqual({ admitted: true, evicted: { id: 's2', value: 's2' } });
  expect(sessions.get('s2', 'a')).toBeUndefined();
});

test('a session whose call still runs (its client hung up) is not evicted', () => {
  const sessions = table({ busy: new Set(['s1']) });
  open(sessions, 's1', 0);
  open(sessions, 's2', 10);
  expect(sessions.admit('a', 1_000_000)).toEqual({ admitted: true, evicted: { id: 's2', value: 's2' } });
});

test('sessions being opened count against the cap until added or released', () => {
  const sessions = table();
  expect(sessions.admit('a', 0)).toEqual({ admitted: true });
  expect(sessions.admit('a', 0)).toEqual({ admitted: true });
  expect(sessions.admit('a', 0)).toEqual({ admitted: false, retryAfterMs: 60_000 });
  sessions.release('a');
  expect(sessions.admit('a', 0)).toEqual({ admitted: true });
});

test("agents have caps of their own, and another agent's session is as unknown as none", () => {
  const sessions = table({ max: 1 });
  open(sessions, 's1', 0, 'a');
  open(sessions, 's2', 0, 'b');
  expect(sessions.get('s1', 'b')).toBeUndefined();
  expect(sessions.get('s1', 'a')).toBe('s1');
  expect(sessions.admit('a', 1)).toEqual({ admitted: false, retryAfterMs: 59_999 });
});

test('stale lists the sessions quiet and unused for longer than the idle timeout', () => {
  const sessions = table({ max: 5 });
  open(sessions, 'quiet', 0);
  open(sessions, 'recent', 250);
  open(sessions, 'streaming', 0);
  sessions.begin('streaming', 0);
  expect(sessions.stale(301, 300)).toEqual(['quiet']);
});

test('a call that ended after its client left counts as use up to its end', () => {
  const busy = new Set(['s1']);
  const sessions = table({ busy });
  open(sessions, 's1', 0);
  open(sessions, 's2', 10);
  // s1's call ran on unseen until 50_000, then ended: s2, quiet since 10, is the one that goes.
  busy.delete('s1');
  sessions.touch('s1', 50_000);
  expect(sessions.admit('a', 70_000)).toEqual({ admitted: true, evicted: { id: 's2', value: 's2' } });
  expect(sessions.admit('a', 70_000)).toEqual({ admitted: false, retryAfterMs: 40_000 });
});

test('close, closeStale and closeAll take sessions out and close each once', async () => {
  const closed: string[] = [];
  const sessions = new SessionTable<string>({ maxPerAgent: 5, evictAfterMs: 60_000, close: async (value, id) => void closed.push(`${id}=${value}`) });
  for (const [id, at] of [['s1', 0], ['s2', 0], ['s3', 250], ['s4', 0]] as const) {
    sessions.admit('a', at);
    sessions.add(id, 'a', id.toUpperCase(), at);
  }
  sessions.begin('s4', 0);
  await sessions.close('s2');
  await sessions.close('s2');
  expect(closed).toEqual(['s2=S2']);
  await sessions.closeStale(301, 300);
  expect(closed).toEqual(['s2=S2', 's1=S1']);
  expect(sessions.ids()).toEqual(['s3', 's4']);
  await sessions.closeAll();
  expect(closed).toEqual(['s2=S2', 's1=S1', 's3=S3', 's4=S4']);
  expect(sessions.size).toBe(0);
});

test('a session is out of the table before its close hook runs, so it cannot be found while closing', async () => {
  const sessions: SessionTable<string> = new SessionTable<string>({
    maxPerAgent: 1,
    evictAfterMs: 0,
    close: async () => {
      expect(sessions.get('s1', 'a')).toBeUndefined();
      expect(sessions.admit('a', 0)).toEqual({ admitted: true });
    },
  });
  sessions.admit('a', 0);
  sessions.add('s1', 'a', 's1', 0);
  await sessions.close('s1');
});

test('begin returns the session it counts, or undefined when it is gone', () => {
  const sessions = table();
  open(sessions, 's1', 0);
  expect(sessions.begin('s1', 1)).toBe('s1');
  expect(sessions.begin('gone', 1)).toBeUndefined();
});
