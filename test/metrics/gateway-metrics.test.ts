import { expect, test } from 'vitest';
import { createGatewayMetrics, decidingLayer, startMetricsServer } from '../../src/metrics/index.js';
import type { Reason } from '../../src/policy/types.js';

const reason = (layer: Reason['layer'], decision: Reason['decision']): Reason => ({ layer, decision, rule: 'r', source: 's', message: 'm' });

test.each([
  ['allow by a name rule', 'allow', [reason('name', 'allow')], 'name'],
  ['ask from approval after a name allow', 'ask', [reason('name', 'allow'), reason('approval', 'ask')], 'approval'],
  ['the first deny decides, later denies repeat it', 'deny', [reason('name', 'allow'), reason('inspection', 'deny'), reason('ceiling', 'deny')], 'inspection'],
  ['a refusal no rule wrote', 'deny', [], 'default'],
  ['an allow with no reason', 'allow', [], 'rules'],
] as const)('deciding layer: %s', (_name, decision, reasons, layer) => {
  expect(decidingLayer({ decision, reasons: [...reasons] })).toBe(layer);
});

test('pending approvals go up on asked and down on every ending, answered counted by channel', async () => {
  const metrics = createGatewayMetrics();
  const base = { time: '', decision_id: 't', agent: 'a', environment: 'dev', session: 's', tool: 'x/y', args_sha256: '', args: {}, reasons: [], duration_ms: 0 };
  const approval = (channel: string) => ({ ticket: 't', channel, waited_ms: 5 });
  metrics.observer.record!({ ...base, event: 'approval', decision: 'ask', outcome: 'asked' });
  metrics.observer.record!({ ...base, event: 'approval', decision: 'ask', outcome: 'asked' });
  metrics.observer.record!({ ...base, event: 'approval', decision: 'ask', outcome: 'asked' });
  metrics.observer.record!({ ...base, event: 'approval', decision: 'allow', outcome: 'approved', approval: approval('console') });
  metrics.observer.record!({ ...base, event: 'approval', decision: 'deny', outcome: 'expired', approval: approval('timeout') });
  // A channel failing ends nothing.
  metrics.observer.record!({ ...base, event: 'approval', decision: 'ask', outcome: 'error', error: 'webhook: 500' });
  const text = await metrics.registry.metrics();
  expect(text).toContain('mcp_warden_approvals_pending 1\n');
  expect(text).toContain('mcp_warden_approvals_answered_total{channel="console",outcome="approved"} 1\n');
  expect(text).toContain('mcp_warden_approvals_answered_total{channel="timeout",outcome="expired"} 1\n');
  metrics.storeError('audit_write');
  let state = { generation: 3, stale: true };
  metrics.followConfig(() => state);
  const after = await metrics.registry.metrics();
  expect(after).toContain('mcp_warden_store_errors_total{kind="audit_write"} 1\n');
  expect(after).toContain('mcp_warden_config_generation 3\n');
  expect(after).toContain('mcp_warden_config_stale 1\n');
  state = { generation: 4, stale: false };
  const fixed = await metrics.registry.metrics();
  expect(fixed).toContain('mcp_warden_config_generation 4\n');
  expect(fixed).toContain('mcp_warden_config_stale 0\n');
});

test('two gateways in one process keep their own counts', async () => {
  const one = createGatewayMetrics();
  const two = createGatewayMetrics();
  one.observer.session!({ type: 'opened', agent: 'a', session: 's', at: 0 });
  expect(await one.registry.metrics()).toContain('mcp_warden_sessions{agent="a"} 1');
  expect(await two.registry.metrics()).not.toContain('mcp_warden_sessions{agent="a"}');
});

test.each(['0.0.0.0', '10.0.0.5', '::'])('listening on %s without a token is refused', async (host) => {
  await expect(startMetricsServer(createGatewayMetrics().registry, { host, port: 0 })).rejects.toThrow(/metrics\.token is not set/);
});
