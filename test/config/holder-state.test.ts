// The config state a running gateway publishes to `status`: stale since the first failed reload of a
// run of them, told to listeners on each failure and each swap.
import { expect, test } from 'vitest';
import { ConfigHolder, type ConfigState, type ResolvedConfig } from '../../src/config/index.js';

// The holder never looks inside a config; two distinct objects are enough.
const first = { file: 'first' } as unknown as ResolvedConfig;
const second = { file: 'second' } as unknown as ResolvedConfig;

test('a failed reload is told to listeners as stale, since its time; a second failure keeps the first time; a swap clears it', () => {
  const holder = new ConfigHolder(first, 1_000);
  const told: ConfigState[] = [];
  holder.onState((state) => told.push(state));
  holder.failed('gateway.yaml:8:5 agents.dev: unknown key "alow"', ['gateway.yaml:8:5 agents.dev'], 2_000);
  holder.failed('gateway.yaml:9:1 bad indentation', ['gateway.yaml:9:1'], 3_000);
  holder.replace(second, 4_000);
  expect(told).toEqual([
    { generation: 1, loadedAt: 1_000, stale: true, staleSince: 2_000, lastError: 'gateway.yaml:8:5 agents.dev: unknown key "alow"', lastErrorWhere: ['gateway.yaml:8:5 agents.dev'], lastAttemptAt: 2_000 },
    { generation: 1, loadedAt: 1_000, stale: true, staleSince: 2_000, lastError: 'gateway.yaml:9:1 bad indentation', lastErrorWhere: ['gateway.yaml:9:1'], lastAttemptAt: 3_000 },
    { generation: 2, loadedAt: 4_000, stale: false, lastAttemptAt: 4_000 },
  ]);
});

test('an unsubscribed listener is told nothing more', () => {
  const holder = new ConfigHolder(first, 1_000);
  const told: ConfigState[] = [];
  const stop = holder.onState((state) => told.push(state));
  stop();
  holder.failed('broken', [], 2_000);
  expect(told).toEqual([]);
});
