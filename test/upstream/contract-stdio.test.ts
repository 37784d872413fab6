// The upstream contract over stdio, against the echo fixture as a real child process.
import { createUpstream } from '../../src/upstream/create-upstream.js';
import { echoFixtureTarget, runUpstreamContract } from './contract.js';
import { stdioConfig } from './helpers.js';

runUpstreamContract({
  kind: 'stdio',
  serverName: 'stdio-echo',
  make: ({ hooks, timeoutMs }) =>
    createUpstream(stdioConfig('echo', 'echo-server.mjs', { args: [stdioConfig('echo', 'echo-server.mjs').args[0]!, '--name', 'stdio-echo'] }), {
      hooks,
      timeoutMs,
    }),
  ...echoFixtureTarget,
});
