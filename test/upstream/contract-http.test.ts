// The upstream contract over Streamable HTTP, against the echo fixture served by http-server.mjs.
import { afterAll, beforeAll } from 'vitest';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import { echoFixtureTarget, runUpstreamContract } from './contract.js';
import { remoteConfig, startHttpFixture, type HttpFixture } from './helpers.js';

let fixture: HttpFixture;
beforeAll(async () => {
  fixture = await startHttpFixture();
});
afterAll(() => fixture.stop());

runUpstreamContract({
  kind: 'http',
  serverName: 'http-fixture',
  make: ({ hooks, timeoutMs }) => createUpstream(remoteConfig('remote', fixture.url), { hooks, timeoutMs }),
  ...echoFixtureTarget,
});
