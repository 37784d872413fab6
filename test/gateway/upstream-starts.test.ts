// A server whose start fails with something other than our own error (a bug, a library's Error):
// the operator's log keeps the detail, the agent is told only the server's name and a short reason.
import { expect, test } from 'vitest';
import type { WardenError } from '../../src/errors.js';
import { UpstreamStarts } from '../../src/gateway/upstream-starts.js';

test('a foreign start error reaches the agent as the server name and a short reason, never its text', async () => {
  const failures: WardenError[] = [];
  const starts = new UpstreamStarts({
    bringUp: () => Promise.reject(new Error('ENOENT: /home/dev/.secrets/token.json at Object.openSync (node:fs:573)')),
    retryInMs: () => 60_000,
    onUp: () => {},
    onFailure: (_server, error) => failures.push(error),
  });
  starts.begin('github');
  await starts.firstAttempts(['github'], Date.now() + 5_000);
  starts.close();
  expect(failures).toHaveLength(1);
  expect(failures[0]!.message).toContain('ENOENT: /home/dev/.secrets/token.json');
  expect(failures[0]!.agentMessage).toBe('Upstream "github" is unavailable: it could not start');
  const state = starts.state('github');
  expect(state.state === 'down' && state.error.agentMessage).toBe('Upstream "github" is unavailable: it could not start');
});
