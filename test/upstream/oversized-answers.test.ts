// Answers over max_result_bytes from a real stdio server: the call fails with UPSTREAM_ANSWER_REFUSED,
// the server is told to cancel, and the connection reads on. Which call fails depends on where the
// line's id can be read without holding the line.
import { afterEach, expect, test } from 'vitest';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import type { Upstream } from '../../src/upstream/types.js';
import { stdioConfig, textOf } from './helpers.js';

const open: Upstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

function start(log: string[]): Upstream {
  const upstream = createUpstream({ ...stdioConfig('big', 'flood-server.mjs'), maxResultBytes: 64 * 1024 }, { stderr: (line) => void log.push(line) });
  open.push(upstream);
  return upstream;
}

const REFUSED = 'Upstream "big" sent an answer of more than 65536 bytes (its max_result_bytes); the call was cancelled. Ask for less (a narrower query, a page) or raise max_result_bytes for this server';

test('an answer whose id cannot be read cheaply fails the oldest call in flight, and the log says so', async () => {
  const log: string[] = [];
  const upstream = start(log);
  await upstream.connect();
  const call = upstream.callTool({ name: 'big', arguments: { bytes: 200_000, id_middle: true } });
  await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_ANSWER_REFUSED', message: REFUSED });
  expect(log).toContainEqual(expect.stringMatching(/^\[big\] Upstream "big" wrote an answer of more than 65536 bytes \(its max_result_bytes\) to stdout \(\d+ bytes read\); could not tell which request it answered; failed the oldest in flight, "warden-1"$/));
  expect(textOf(await upstream.callTool({ name: 'echo', arguments: { text: 'after' } }))).toBe('after');
  expect(JSON.parse(textOf(await upstream.callTool({ name: 'cancellations' })))).toEqual(['warden-1']);
});

test('an answer of exactly max_result_bytes passes; one byte more fails', async () => {
  const upstream = start([]);
  // The line around the text: {"result":{"content":[{"type":"text","text":"…"}]},"jsonrpc":"2.0","id":"warden-N"}
  const frame = JSON.stringify({ result: { content: [{ type: 'text', text: '' }] }, jsonrpc: '2.0', id: 'warden-1' }).length;
  const fits = await upstream.callTool({ name: 'big', arguments: { bytes: 64 * 1024 - frame } });
  expect(textOf(fits)).toHaveLength(64 * 1024 - frame);
  await expect(upstream.callTool({ name: 'big', arguments: { bytes: 64 * 1024 - frame + 1 } })).rejects.toMatchObject({ code: 'UPSTREAM_ANSWER_REFUSED' });
});
