// Why a server failed to start, as the operator and the agent are told: the stderr line that explains
// it (not the stack trace's last line), and an agent-facing reason without command, path or environment.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { stderrReason } from '../../src/upstream/stderr-reason.js';
import { startFailure } from '../../src/upstream/start-failure.js';
import { exitedError } from '../../src/upstream/upstream-errors.js';
import { createUpstream } from '../../src/upstream/create-upstream.js';
import type { Upstream } from '../../src/upstream/types.js';
import { remoteConfig, stdioConfig } from './helpers.js';

const NODE_ESM_THROW = [
  'file:///srv/server.mjs:21',
  '  throw new Error(values.message);',
  '        ^',
  '',
  'Error: cannot reach the license server',
  '    at file:///srv/server.mjs:21:9',
  '    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)',
  '',
  'Node.js v20.20.2',
];

const NODE_MODULE_NOT_FOUND = [
  'node:internal/modules/cjs/loader:1210',
  '  throw err;',
  '  ^',
  '',
  "Error: Cannot find module '/srv/missing.js'",
  '    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)',
  '    at node:internal/main/run_main_module:28:49 {',
  "  code: 'MODULE_NOT_FOUND',",
  '  requireStack: []',
  '}',
  '',
  'Node.js v20.20.2',
];

const PYTHON_TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/srv/server.py", line 3, in <module>',
  '    main()',
  'ValueError: DATABASE_URL is not set',
];

test.each([
  ['a Node stack trace: the Error line, not "Node.js v…"', NODE_ESM_THROW, 'Error: cannot reach the license server'],
  ['a missing module, with the error\'s properties printed after the frames', NODE_MODULE_NOT_FOUND, "Error: Cannot find module '/srv/missing.js'"],
  ['a typed Node error with a code', ['TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string', '    at x (y.js:1:1)'], 'TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string'],
  ['a Python traceback', PYTHON_TRACEBACK, 'ValueError: DATABASE_URL is not set'],
  ['a CLI complaint', ['usage: server [--port N]', "error: unrecognized arguments: --bogus"], 'error: unrecognized arguments: --bogus'],
  ['a Go panic', ['panic: runtime error: index out of range [3] with length 3', '', 'goroutine 1 [running]:', 'main.main()', '\t/srv/main.go:9 +0x1d'], 'panic: runtime error: index out of range [3] with length 3'],
  ['a plain last line', ['loading config', 'cannot read config'], 'cannot read config'],
  ['a trace whose Error line was cut off the tail: nothing rather than noise', ['    at a (b.js:1:1)', "  code: 'X'", '}', '', 'Node.js v20.20.2'], undefined],
  ['no stderr at all', [], undefined],
])('stderrReason: %s', (_label, lines, expected) => {
  expect(stderrReason(lines)).toBe(expected);
});

test('stderrReason cuts a very long line', () => {
  const reason = stderrReason([`Error: ${'x'.repeat(500)}`])!;
  expect(reason).toHaveLength(201);
  expect(reason.endsWith('…')).toBe(true);
});

const open: Upstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((upstream) => upstream.close()));
});

function start(...args: Parameters<typeof createUpstream>): Upstream {
  const upstream = createUpstream(...args);
  open.push(upstream);
  return upstream;
}

test('a server that dies with a stack trace: the operator gets the command and the Error line, the agent only the short reason', async () => {
  const script = 'throw new Error("cannot reach the license server")';
  const upstream = start(stdioConfig('licensed', '', { args: ['--input-type=module', '-e', script], env: { LICENSE_KEY: 'sk-secret' } }), { stderr: () => {} });
  const error = (await upstream.connect().catch((caught: unknown) => caught)) as Error & { code: string; agentMessage: string };
  expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
  expect(error.message).toBe(
    `Cannot start upstream "licensed": command "${process.execPath}" exited with code 1 before answering "initialize"; its stderr said "Error: cannot reach the license server"`,
  );
  // Its stderr is the operator's: it may name paths, hosts or secrets.
  expect(error.agentMessage).toBe('Upstream "licensed" is unavailable: exited with code 1 before answering "initialize"');
});

test('a missing command: the agent is told it was not found, not which command', async () => {
  const upstream = start(stdioConfig('ghost', '', { command: 'nonexistent-command-xyz', args: [] }), { stderr: () => {} });
  const error = (await upstream.connect().catch((caught: unknown) => caught)) as Error & { agentMessage: string };
  expect(error.agentMessage).toBe('Upstream "ghost" is unavailable: command not found');
});

test('a working directory that does not exist: the agent is not told the path', async () => {
  const upstream = start(stdioConfig('lost', 'echo-server.mjs', { cwd: '/definitely/not/here' }), { stderr: () => {} });
  const error = (await upstream.connect().catch((caught: unknown) => caught)) as Error & { agentMessage: string };
  expect(error.agentMessage).toBe('Upstream "lost" is unavailable: working directory does not exist');
});

test.each(['http', 'sse'] as const)('%s: a remote server nobody listens for: the system error for both, the url for the operator only', async (transport) => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => resolve(free));
    });
  });
  const url = `http://127.0.0.1:${port}/mcp`;
  const upstream = start(remoteConfig('remote', url, { transport }), { stderr: () => {} });
  const error = (await upstream.connect().catch((caught: unknown) => caught)) as Error & { agentMessage: string };
  expect(error.message).toMatch(new RegExp(`^Cannot connect to upstream "remote": url "${url}": .*ECONNREFUSED`));
  expect(error.agentMessage).toBe('Upstream "remote" is unavailable: connection failed (ECONNREFUSED)');
});

test('a server that never answers initialize: the agent gets the wait in seconds, not the command or its stderr', () => {
  const transport = { start: async () => {}, send: async () => {}, close: async () => {}, stderrTail: () => ['Error: token sk-secret was refused by db.internal'] };
  const error = startFailure(new McpError(ErrorCode.RequestTimeout, 'Request timed out'), {
    id: 'slow',
    verb: 'start',
    target: 'command "npx"',
    connectTimeoutMs: 30_000,
    transport,
  });
  expect(error.message).toBe('Cannot start upstream "slow": command "npx" did not answer "initialize" within 30000 ms; its last stderr line was "Error: token sk-secret was refused by db.internal"');
  expect(error.agentMessage).toBe('Upstream "slow" is unavailable: did not answer "initialize" in 30 s');
});

test('a remote server that answers with an HTTP error: the agent gets the status, not the url or the body', () => {
  const error = startFailure(Object.assign(new Error('Error POSTing to endpoint (HTTP 401): {"error":"bad key sk-secret"}'), { code: 401 }), {
    id: 'remote',
    verb: 'connect to',
    target: 'url "https://internal.example/mcp"',
    connectTimeoutMs: 30_000,
    transport: { start: async () => {}, send: async () => {}, close: async () => {} },
  });
  expect(error.message).toContain('url "https://internal.example/mcp"');
  expect(error.agentMessage).toBe('Upstream "remote" is unavailable: answered with HTTP 401');
});

test('a connection that fails under a call: the lower layer\'s text stays in the operator\'s message', () => {
  const error = exitedError('remote', 'tools/call', 'failed (Error POSTing to endpoint (HTTP 500): stack at /srv/app.js)');
  expect(error.message).toBe('Upstream "remote" failed (Error POSTing to endpoint (HTTP 500): stack at /srv/app.js) while handling "tools/call"; it restarts on the next call');
  expect(error.agentMessage).toBe('Upstream "remote" failed while handling "tools/call"; it restarts on the next call');
  expect(exitedError('crash', 'tools/call', 'exited (code 1)').agentMessage).toBe('Upstream "crash" exited (code 1) while handling "tools/call"; it restarts on the next call');
});
