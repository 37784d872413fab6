// /readyz through the router: no Host check and no token (probes send the pod's address and none),
// 200 or 503 from the report, never cached; without a readiness source the front is ready.
import { expect, test } from 'vitest';
import { TokenTable } from '../../../src/front/http-guard.js';
import { createRouter, type RouterOptions } from '../../../src/front/http/router.js';
import type { HttpSessions } from '../../../src/front/http/sessions.js';
import type { ReadinessReport } from '../../../src/gateway/readiness.js';
import { fakeContext } from './fake-http.js';

const sessions = { size: 0, get: () => undefined } as unknown as HttpSessions;

async function probe(readiness?: RouterOptions['readiness']) {
  const route = createRouter({ tokens: new TokenTable({ alice: 'tok' }), sessions, allowedHosts: [], allowedOrigins: [], maxBodyBytes: 1024, ...(readiness ? { readiness } : {}) });
  const { ctx, sent } = fakeContext({ method: 'GET', url: '/readyz', headers: { host: '10.1.2.3:8787' } });
  await route(ctx)(ctx);
  return { status: sent.status, headers: sent.headers, body: JSON.parse(sent.body) as unknown };
}

test('ready: 200 with the report, to a probe with a pod address and no token', async () => {
  const report: ReadinessReport = { ready: true, checks: [{ name: 'config', ok: true }] };
  expect(await probe(() => Promise.resolve(report))).toEqual({ status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: report });
});

test('not ready: 503 with the report', async () => {
  const report: ReadinessReport = { ready: false, checks: [{ name: 'store', ok: false, detail: 'unreachable' }] };
  expect(await probe(() => Promise.resolve(report))).toMatchObject({ status: 503, body: report });
});

test('no readiness source: ready whenever the front serves', async () => {
  expect(await probe()).toMatchObject({ status: 200, body: { ready: true, checks: [] } });
});
