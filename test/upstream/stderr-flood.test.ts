// A stdio server's stderr flood read in process, with the event loop's delay measured while it lasts:
// the reading must never hold the loop (it used to re-split the growing line on every chunk).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, expect, test } from 'vitest';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import type { Upstream } from '../../src/upstream/types.js';
import { stdioConfig, textOf } from './helpers.js';

const open: Upstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

test.each([
  ['without a newline', {}],
  ['in lines of 100 bytes', { line_bytes: 100 }],
])('16 MB of stderr %s keeps the event loop responsive and is logged at a bounded rate', async (_label, shape) => {
  const logged: string[] = [];
  const upstream = createUpstream(stdioConfig('flood', 'flood-server.mjs'), { stderr: (line) => void logged.push(line) });
  open.push(upstream);
  await upstream.connect();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const result = await upstream.callTool({ name: 'stderr_flood', arguments: { bytes: 16 * 1024 * 1024, ...shape } }, { timeoutMs: 120_000 });
  const elapsed = performance.now() - started;
  delay.disable();
  const p99 = delay.percentile(99) / 1e6;
  const max = delay.max / 1e6;
  const loggedBytes = logged.reduce((sum, line) => sum + line.length, 0);
  console.log(`16 MB of stderr ${_label}: ${elapsed.toFixed(0)} ms, event loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms; ${logged.length} lines (${loggedBytes} bytes) logged`);
  expect(textOf(result)).toBe(`flooded ${16 * 1024 * 1024}`);
  // The goal is a few ms; the bound is generous because the machine running the tests is shared.
  expect(p99).toBeLessThan(1000);
  // The burst (1 MiB) plus the rate (128 KiB/s) over the flood's time, plus one cut line: never all 16 MB.
  expect(loggedBytes).toBeLessThan(1024 * 1024 + (elapsed / 1000) * 128 * 1024 + 70_000);
}, 150_000);
