// Readiness as data: ready only when every check is ok; a check that throws or never answers is a
// failed one whose detail names no more than its error's code; the config block says stale.
import { expect, test } from 'vitest';
import { configCheck, Readiness } from '../../src/gateway/readiness.js';
import type { ConfigState } from '../../src/config/index.js';

const ok = (name: string, detail?: string) => ({ name, check: () => Promise.resolve({ ok: true, ...(detail ? { detail } : {}) }) });

test('ready when every check is ok, in the order added', async () => {
  const readiness = new Readiness([ok('config')]);
  readiness.add(ok('store', 'reachable'));
  expect(await readiness.report()).toEqual({ ready: true, checks: [{ name: 'config', ok: true }, { name: 'store', ok: true, detail: 'reachable' }] });
});

test('one failing check makes it not ready', async () => {
  const readiness = new Readiness([ok('config'), { name: 'store', check: () => Promise.resolve({ ok: false, detail: 'unreachable' }) }]);
  expect(await readiness.report()).toMatchObject({ ready: false, checks: [{ ok: true }, { name: 'store', ok: false, detail: 'unreachable' }] });
});

test('a check that throws fails with its code only; its message (a connection string) is not shown', async () => {
  const error = Object.assign(new Error('connect ECONNREFUSED postgres://warden:pa55word@db:5432/warden'), { code: 'ECONNREFUSED' });
  const report = await new Readiness([{ name: 'store', check: () => Promise.reject(error) }]).report();
  expect(report).toEqual({ ready: false, checks: [{ name: 'store', ok: false, detail: 'check failed (ECONNREFUSED)' }] });
});

test('a check that never answers fails at the timeout', async () => {
  const report = await new Readiness([{ name: 'store', check: () => new Promise(() => {}) }], { timeoutMs: 20 }).report();
  expect(report).toEqual({ ready: false, checks: [{ name: 'store', ok: false, detail: 'no answer within 20 ms' }] });
});

test('a stale config is still ready, and says so with where the reload failed', async () => {
  const state: ConfigState = { generation: 4, loadedAt: Date.UTC(2026, 10, 29), stale: true, lastError: 'gateway.yaml:3:5 x: secret', lastErrorWhere: ['gateway.yaml:3:5 x'], lastAttemptAt: 0 };
  const report = await new Readiness([configCheck(() => state)], { config: () => state }).report();
  expect(report).toEqual({
    ready: true,
    checks: [{ name: 'config', ok: true, detail: 'stale: generation 4 is serving; the last reload failed' }],
    config: { generation: 4, loadedAt: '2026-11-29T00:00:00.000Z', stale: true, error: "last reload failed at gateway.yaml:3:5 x; the full error is in the gateway's log" },
  });
});
