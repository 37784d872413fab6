import { expect, test } from 'vitest';
import { ProgressRelay } from '../../src/gateway/progress-relay.js';

test('progress stays increasing across the approval wait and the upstream', async () => {
  const sent: Array<Record<string, unknown>> = [];
  const relay = new ProgressRelay('tok', async (p) => void sent.push(p));
  relay.tick('waiting');
  relay.tick('waiting');
  relay.forward({ progress: 0 });
  relay.forward({ progress: 1, total: 3 });
  relay.forward({ progress: 1, total: 3 });
  relay.forward({ progress: 3, total: 3, message: 'done' });
  expect(sent).toEqual([
    { progressToken: 'tok', progress: 1, message: 'waiting' },
    { progressToken: 'tok', progress: 2, message: 'waiting' },
    { progressToken: 'tok', progress: 3, total: 5 },
    { progressToken: 'tok', progress: 5, total: 5, message: 'done' },
  ]);
});

test('without a token nothing is sent', () => {
  const sent: unknown[] = [];
  const relay = new ProgressRelay(undefined, async (p) => void sent.push(p));
  relay.tick('x');
  relay.forward({ progress: 1 });
  expect(relay.enabled).toBe(false);
  expect(sent).toEqual([]);
});
