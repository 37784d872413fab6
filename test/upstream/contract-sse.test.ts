// The upstream contract over legacy HTTP+SSE, against the echo fixture served by http-server.mjs --sse.
import { afterAll, beforeAll } from 'vitest';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import { echoFixtureTarget, runUpstreamContract } from './contract.js';
import { remoteConfig, startHttpFixture, type HttpFixture } from './helpers.js';

let fixture: HttpFixture;
beforeAll(async () => {
  fixture = await startHttpFixture(['--sse']);
});
afterAll(() => fixture.stop());

runUpstreamContract({
  kind: 'sse',
  serverName: 'sse-fixture',
  make: ({ hooks, timeoutMs }) => createUpstream(remoteConfig('legacy', fixture.url, { transport: 'sse' }), { hooks, timeoutMs }),
  ...echoFixtureTarget,
});
