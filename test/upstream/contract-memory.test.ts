// The upstream contract over in-memory transports, with the echo fixture's server in process.
import { createEchoServer } from '../fixtures/echo-tools.mjs';
import { createMemoryUpstream } from '../../src/upstream/memory-upstream.js';
import { echoFixtureTarget, runUpstreamContract } from './contract.js';

runUpstreamContract({
  kind: 'memory',
  serverName: 'memory-echo',
  make: ({ hooks, timeoutMs }) => createMemoryUpstream('memory', () => createEchoServer({ name: 'memory-echo' }), { hooks, timeoutMs }),
  ...echoFixtureTarget,
});
