// Whether a stdio server could start, without starting it: cwd, and the command on PATH or as a path.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startProblem } from '../../src/upstream/index.js';
import type { StdioServerConfig } from '../../src/config/types.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-startable-'));
mkdirSync(join(dir, 'bin'));
writeFileSync(join(dir, 'bin', 'tool'), '#!/bin/sh\n');
chmodSync(join(dir, 'bin', 'tool'), 0o755);
writeFileSync(join(dir, 'bin', 'plain'), 'not executable');

function server(command: string, extra: Partial<StdioServerConfig> = {}): StdioServerConfig {
  return { id: 's', transport: 'stdio', command, args: [], env: {}, cwd: dir, kind: 'generic', readonly: [], trusted: false, timeoutMs: 1000, startup: 'lazy', inspect: {}, dialect: 'postgres', roots: [], source: 'gateway.yaml:1:1', ...extra };
}

test.each([
  ['node (on PATH)', server('node'), undefined],
  ['an absolute path', server(process.execPath), undefined],
  ['a path relative to the cwd', server('./bin/tool'), undefined],
  ['a bare name on the server env PATH', server('tool', { env: { PATH: join(dir, 'bin') } }), undefined],
  ['a missing bare name', server('no-such-command-xyz'), '"s": command "no-such-command-xyz" not found on PATH'],
  ['a file that is not executable', server('./bin/plain'), '"s": command "./bin/plain" is not an executable file'],
  ['a directory', server('./bin'), '"s": command "./bin" is not an executable file'],
  ['a missing cwd', server('node', { cwd: join(dir, 'gone') }), '"s": working directory does not exist'],
])('%s', async (_label, config, expected) => {
  expect(await startProblem(config)).toBe(expected);
});
