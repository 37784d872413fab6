// Headers configured for a remote upstream reach the server, on Streamable HTTP and on legacy SSE
// (where the GET that opens the event stream needs them too), and a refused token is a clear error.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import type { Upstream } from '../../src/upstream/types.js';
import { remoteConfig, startHttpFixture, textOf, type HttpFixture } from './helpers.js';

let http: HttpFixture;
let sse: HttpFixture;
const open: Upstream[] = [];
beforeAll(async () => {
  [http, sse] = await Promise.all([startHttpFixture(['--token', 's3cret']), startHttpFixture(['--token', 's3cret', '--sse'])]);
});
afterAll(async () => {
  await Promise.all([http.stop(), sse.stop()]);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

const headers = { Authorization: 'Bearer s3cret', 'X-Warden-Test': 'yes' };

for (const [transport, fixture] of [
  ['http', () => http],
  ['sse', () => sse],
] as const) {
  test(`${transport}: configured headers reach the server`, async () => {
    const upstream = createUpstream(remoteConfig('remote', fixture().url, { transport, headers }));
    open.push(upstream);
    const seen = JSON.parse(textOf(await upstream.callTool({ name: 'headers' }))) as Record<string, string>;
    expect(seen.authorization).toBe('Bearer s3cret');
    expect(seen['x-warden-test']).toBe('yes');
  });

  test(`${transport}: a wrong token is UPSTREAM_UNAVAILABLE naming the url`, async () => {
    const upstream = createUpstream(remoteConfig('remote', fixture().url, { transport, headers: { Authorization: 'Bearer wrong' } }), { stderr: () => {} });
    open.push(upstream);
    const error = await upstream.connect().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect((error as Error).message).toMatch(new RegExp(`^Cannot connect to upstream "remote": url "${fixture().url}": .*401`));
  });
}

test('a remote server that goes away fails the call in flight, then calls cannot connect', async () => {
  const fixture = await startHttpFixture();
  const upstream = createUpstream(remoteConfig('flaky', fixture.url), { stderr: () => {}, backoff: { initialMs: 50 } });
  open.push(upstream);
  expect(textOf(await upstream.callTool({ name: 'echo', arguments: { text: 'a' } }))).toBe('a');
  await fixture.stop();
  const error = await upstream.callTool({ name: 'echo', arguments: { text: 'b' } }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'UPSTREAM_EXITED' });
  await expect(upstream.callTool({ name: 'echo', arguments: { text: 'c' } })).rejects.toMatchObject({
    code: 'UPSTREAM_UNAVAILABLE',
    message: expect.stringMatching(/^Cannot connect to upstream "flaky": url "http:\/\/127\.0\.0\.1:\d+\/mcp": /) as string,
  });
});
