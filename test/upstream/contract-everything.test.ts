// The upstream contract against the real @modelcontextprotocol/server-everything over stdio.
import { createRequire } from 'node:module';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import { runUpstreamContract } from './contract.js';
import { stdioConfig } from './helpers.js';

const everything = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');

runUpstreamContract({
  kind: 'server-everything',
  serverName: 'mcp-servers/everything',
  make: ({ hooks, timeoutMs }) => createUpstream(stdioConfig('everything', '', { args: [everything, 'stdio'] }), { hooks, timeoutMs, stderr: () => {} }),
  echo: { tool: 'echo', args: { message: 'hello' }, text: 'Echo: hello' },
  progress: { tool: 'trigger-long-running-operation', args: { duration: 0.6, steps: 3 }, updates: 3 },
  long: { tool: 'trigger-long-running-operation', args: { duration: 5, steps: 1 } },
  elicit: { tool: 'trigger-elicitation-request', args: {} },
  // It registers its client-dependent tools right after initialize, announcing them with list_changed.
  listChanged: (upstream) => upstream.connect(),
  resource: { uri: 'demo://resource/dynamic/text/1', text: /Resource 1: This is a plaintext resource/ },
  prompt: { name: 'simple-prompt', text: /This is a simple prompt without arguments/ },
});
