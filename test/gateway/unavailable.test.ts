// Which server a call to an unknown name points to when that server is not up, and what the agent is
// told: a table over names, server states and what the agent may see.
import { expect, test } from 'vitest';
import { WardenError } from '../../src/errors.js';
import { failingServers, findUnavailable, type UnavailableLookup } from '../../src/gateway/unavailable.js';
import type { StartState } from '../../src/gateway/upstream-starts.js';

const NOW = 1_000_000;
const crashed = new WardenError('UPSTREAM_UNAVAILABLE', 'Cannot start upstream "flaky": command "/opt/bin/flaky --token s3cret" exited with code 1', {
  agentMessage: 'Upstream "flaky" could not start: it exited with code 1 before answering "initialize" ("Error: no license")',
});

function lookup(states: Record<string, StartState>, options: { passthrough?: boolean; hidden?: string[] } = {}): UnavailableLookup {
  return {
    servers: Object.keys(states),
    passthrough: options.passthrough ?? false,
    state: (server) => states[server]!,
    visible: (server, tool) => !(options.hidden ?? []).includes(`${server}/${tool}`),
  };
}

const down: StartState = { state: 'down', attempts: 3, error: crashed, retryAt: NOW + 2_000 };

test.each<[string, string, Record<string, StartState>, { passthrough?: boolean; hidden?: string[] }, string | undefined]>([
  ['a tool of a server that is down', 'flaky_echo', { flaky: down }, {}, 'flaky/echo'],
  ['a tool of a server that is up is not this lookup\'s business', 'flaky_echo', { flaky: { state: 'up' } }, {}, undefined],
  ['a tool this agent may not see stays unknown', 'flaky_dump_secrets', { flaky: down }, { hidden: ['flaky/dump_secrets'] }, undefined],
  ['a name with no server prefix stays unknown', 'echo', { flaky: down }, {}, undefined],
  ['the prefix alone is no tool', 'flaky_', { flaky: down }, {}, undefined],
  ['the longest prefix that fits wins', 'db_admin_query', { db: down, db_admin: down }, {}, 'db_admin/query'],
  ['an up server with the longer prefix does not hide a down one', 'db_admin_query', { db: down, db_admin: { state: 'up' } }, {}, 'db/admin_query'],
  ['passthrough names point to the one server', 'read_file', { fs: down }, { passthrough: true }, 'fs/read_file'],
  ['passthrough names still follow what the agent may see', 'write_file', { fs: down }, { passthrough: true, hidden: ['fs/write_file'] }, undefined],
])('%s', (_label, name, states, options, expected) => {
  const found = findUnavailable(name, lookup(states, options), NOW);
  expect(found && `${found.server}/${found.tool}`).toBe(expected);
  if (found) expect(found.error.code).toBe('UPSTREAM_UNAVAILABLE');
});

test('a down server: the reason and the next retry for the agent, the command only for the operator', () => {
  const { error } = findUnavailable('flaky_echo', lookup({ flaky: down }), NOW)!;
  expect(error.agentMessage).toBe(
    'Upstream "flaky" could not start: it exited with code 1 before answering "initialize" ("Error: no license"). mcp-warden tries to start it again in 2.0 s; its tools appear once it is up, and the agent is told with notifications/tools/list_changed',
  );
  expect(error.message).toContain('/opt/bin/flaky --token s3cret');
  expect(error.agentMessage).not.toContain('s3cret');
});

test('a server on its first start, and one being started again after a failure', () => {
  expect(findUnavailable('late_echo', lookup({ late: { state: 'starting', attempts: 1 } }), NOW)!.error.agentMessage).toBe(
    'Upstream "late" is still starting; its tools appear once it is up, and the agent is told with notifications/tools/list_changed',
  );
  expect(findUnavailable('flaky_echo', lookup({ flaky: { state: 'starting', attempts: 4, error: crashed } }), NOW)!.error.agentMessage).toBe(
    'Upstream "flaky" could not start: it exited with code 1 before answering "initialize" ("Error: no license"). A new attempt to start it is under way; its tools appear once it is up, and the agent is told with notifications/tools/list_changed',
  );
  expect(findUnavailable('flaky_echo', lookup({ flaky: { ...down, retryAt: NOW + 20 } }), NOW)!.error.agentMessage).toContain('mcp-warden tries to start it again now;');
});

test('failingServers: the servers whose start failed that the agent may reach by a wildcard rule, with the reason only', () => {
  const states: Record<string, StartState> = {
    flaky: down,
    retrying: { state: 'starting', attempts: 2, error: crashed },
    first: { state: 'starting', attempts: 1 },
    idle: { state: 'idle' },
    fine: { state: 'up' },
    secret: down,
  };
  const failing = failingServers({
    servers: Object.keys(states),
    state: (server) => states[server]!,
    // As a policy that allows `flaky/*`, `retrying/*`, … but names tools of `secret` one by one.
    visible: (server, tool) => server !== 'secret' || tool === 'read',
  });
  expect(failing).toEqual([
    { server: 'flaky', message: 'Upstream "flaky" could not start: it exited with code 1 before answering "initialize" ("Error: no license")' },
    { server: 'retrying', message: 'Upstream "flaky" could not start: it exited with code 1 before answering "initialize" ("Error: no license")' },
  ]);
  // Never the command, its arguments or the retry time.
  expect(JSON.stringify(failing)).not.toMatch(/s3cret|\/opt\/bin|again in/);
});
