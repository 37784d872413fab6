// The tracker keeps a gateway's registry entry from the observer's events: sessions come and go,
// each with its upstreams' states; writes are coalesced and the entry is withdrawn on close.
import { afterEach, expect, test, vi } from 'vitest';
import { GatewayTracker } from '../../src/status/gateway-tracker.js';
import { MemoryGatewayRegistry } from '../../src/status/memory-registry.js';
import type { GatewayRegistry } from '../../src/status/gateway-registry.js';

afterEach(() => {
  vi.useRealTimers();
});

function tracker(registry: GatewayRegistry) {
  return new GatewayTracker({
    registry,
    identity: { kind: 'stdio', agent: 'dev', config: '/etc/gateway.yaml', environment: 'dev' },
    serversFor: () => [
      { id: 'echo', lazy: false },
      { id: 'docs', lazy: true },
    ],
    delayMs: 100,
  });
}

test('a session opened with its client, and its upstreams as their events say, is what the registry holds', async () => {
  const registry = new MemoryGatewayRegistry();
  const t = tracker(registry);
  t.observer.session!({ type: 'opened', agent: 'dev', session: 's1', client: { name: 'claude-code', version: '2.0.0' }, at: 10 });
  t.observer.upstream!({ server: 'echo', agent: 'dev', session: 's1', state: 'starting', at: 11 });
  t.observer.upstream!({ server: 'echo', agent: 'dev', session: 's1', state: 'failed', attempts: 1, error: 'Cannot start upstream "echo": boom', retryInMs: 250, at: 12 });
  // Nothing is published before start: the entry appears once the front serves.
  expect(registry.entries.size).toBe(0);
  await t.start();
  const entry = registry.entries.get(process.pid)!;
  expect(entry).toMatchObject({ pid: process.pid, kind: 'stdio', agent: 'dev', config: '/etc/gateway.yaml', environment: 'dev' });
  expect(entry.sessions).toEqual([
    {
      id: 's1',
      agent: 'dev',
      client: { name: 'claude-code', version: '2.0.0' },
      openedAt: 10,
      upstreams: {
        echo: { state: 'failed', attempts: 1, error: 'Cannot start upstream "echo": boom', retryAt: 262, since: 12 },
        docs: { state: 'not-started', lazy: true, since: 10 },
      },
    },
  ]);
  await t.close();
  expect(registry.entries.size).toBe(0);
});

test('a burst of events after start is one write; a closed session leaves the entry; close withdraws it', async () => {
  vi.useFakeTimers();
  const published: number[] = [];
  const memory = new MemoryGatewayRegistry();
  const registry: GatewayRegistry = {
    publish: (entry) => {
      published.push(entry.sessions.length);
      return memory.publish(entry);
    },
    withdraw: (pid) => memory.withdraw(pid),
    live: () => memory.live(),
  };
  const t = tracker(registry);
  await t.start();
  expect(published).toEqual([0]);
  t.observer.session!({ type: 'opened', agent: 'dev', session: 's1', at: 1 });
  for (let i = 0; i < 20; i++) t.observer.upstream!({ server: 'echo', agent: 'dev', session: 's1', state: i % 2 ? 'up' : 'starting', attempts: 1, at: 2 + i });
  t.observer.session!({ type: 'opened', agent: 'dev', session: 's2', at: 30 });
  expect(published).toEqual([0]);
  await vi.advanceTimersByTimeAsync(100);
  expect(published).toEqual([0, 2]);
  expect(memory.entries.get(process.pid)!.sessions.map((s) => [s.id, s.upstreams.echo!.state])).toEqual([
    ['s1', 'up'],
    ['s2', 'not-started'],
  ]);
  t.observer.session!({ type: 'closed', agent: 'dev', session: 's1', at: 40 });
  // A closed session's last upstream events are not news.
  t.observer.upstream!({ server: 'echo', agent: 'dev', session: 's1', state: 'stopped', at: 41 });
  await vi.advanceTimersByTimeAsync(100);
  expect(memory.entries.get(process.pid)!.sessions.map((s) => s.id)).toEqual(['s2']);
  await t.close();
  t.observer.session!({ type: 'opened', agent: 'dev', session: 's3', at: 50 });
  await vi.advanceTimersByTimeAsync(1000);
  expect(memory.entries.size).toBe(0);
  expect(published).toEqual([0, 2, 1]);
});

test('a failure after the server was up in that session is a restart, in another session a failure', async () => {
  const registry = new MemoryGatewayRegistry();
  const t = tracker(registry);
  for (const session of ['s1', 's2']) t.observer.session!({ type: 'opened', agent: 'dev', session, at: 1 });
  t.observer.upstream!({ server: 'echo', agent: 'dev', session: 's1', state: 'up', attempts: 1, at: 2 });
  t.observer.upstream!({ server: 'echo', agent: 'dev', session: 's1', state: 'down', error: 'exited', at: 3 });
  for (const session of ['s1', 's2']) t.observer.upstream!({ server: 'echo', agent: 'dev', session, state: 'failed', attempts: 1, error: 'boom', retryInMs: 0, at: 4 });
  expect(t.snapshot().sessions.map((s) => s.upstreams.echo!.state)).toEqual(['restarting', 'failed']);
  await t.close();
});

test('a registry that cannot be written is reported once, and serving goes on', async () => {
  const messages: string[] = [];
  const t = new GatewayTracker({
    registry: { publish: () => Promise.reject(new Error('EACCES')), withdraw: () => Promise.resolve(), live: () => Promise.resolve([]) },
    identity: { kind: 'http', config: '/g.yaml', environment: 'dev' },
    serversFor: () => [],
    log: (message) => messages.push(message),
  });
  await t.start();
  t.setUrl('http://127.0.0.1:1/mcp');
  await t.start();
  expect(messages).toEqual(['could not record this gateway for "mcp-warden status" (EACCES)']);
  await t.close();
});
