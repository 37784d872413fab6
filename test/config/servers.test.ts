import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { failure, load } from './helpers.js';

test('a stdio server gets defaults, an absolute cwd and rule sources', () => {
  const config = load(`
    servers:
      fs:
        command: node
        args: [server.js, ./data]
        env: { LOG_LEVEL: info, PORT: 8080 }
        readonly: [read_*]
  `);
  expect(config.servers.fs).toEqual({
    id: 'fs',
    transport: 'stdio',
    command: 'node',
    args: ['server.js', './data'],
    env: { LOG_LEVEL: 'info', PORT: '8080' },
    cwd: '/project',
    kind: 'generic',
    readonly: [{ pattern: 'read_*', source: 'gateway.yaml:6:16' }],
    trusted: false,
    timeoutMs: 60_000,
    startup: 'eager',
    inspect: {},
    dialect: 'postgres',
    roots: [],
    source: 'gateway.yaml:2:3',
  });
});

test('a remote server infers http, or takes sse', () => {
  const config = load(`
    servers:
      gh: { url: "https://example.com/mcp", headers: { A: b }, trusted: true, timeout: 2m, startup: lazy }
      old: { url: "https://example.com/sse", transport: sse }
  `);
  expect(config.servers.gh).toMatchObject({ transport: 'http', url: 'https://example.com/mcp', headers: { A: 'b' }, trusted: true, timeoutMs: 120_000, startup: 'lazy' });
  expect(config.servers.old).toMatchObject({ transport: 'sse', headers: {} });
});

test('filesystem roots are the arguments that are directories, or the explicit roots', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'warden-roots-'));
  mkdirSync(path.join(dir, 'data'));
  const config = parseConfig(
    [
      'servers:',
      '  implicit: { command: node, args: [server.js, data, --flag, missing], kind: filesystem }',
      '  explicit: { command: node, cwd: data, roots: [a, /abs], kind: filesystem }',
    ].join('\n'),
    { file: path.join(dir, 'gateway.yaml'), cwd: dir, env: {} },
  );
  expect(config.servers.implicit!.roots).toEqual([path.join(dir, 'data')]);
  expect(config.servers.explicit!.roots).toEqual([path.join(dir, 'data', 'a'), '/abs']);
  expect(config.servers.explicit).toMatchObject({ cwd: path.join(dir, 'data') });
});

test('inspect overrides are carried over in camel case', () => {
  const config = load(`
    servers:
      db:
        url: "https://db.example.com/mcp"
        kind: database
        dialect: mysql
        inspect: { read_tools: [select_*], write_tools: [run_*], arguments: [sql], unsafe_functions: [sleep] }
  `);
  expect(config.servers.db).toMatchObject({
    dialect: 'mysql',
    inspect: { readTools: ['select_*'], writeTools: ['run_*'], arguments: ['sql'], unsafeFunctions: ['sleep'] },
  });
});

test('top-level defaults: approval, audit, http, tool names', () => {
  const config = load(`
    agents:
      a: {}
  `);
  expect({ approval: config.approval, audit: config.audit, http: config.http, toolNames: config.toolNames, file: config.file, baseDir: config.baseDir }).toEqual({
    approval: { timeoutMs: 120_000, channels: ['elicitation', 'console'], nonInteractive: 'deny' },
    audit: { path: '/project/audit.jsonl', fsync: false, jsonl: true, required: false },
    http: { allowedHosts: [], allowedOrigins: [], maxBodyBytes: 4 * 1024 * 1024, sessionEvictAfterMs: 60_000 },
    toolNames: 'prefixed',
    file: '/project/gateway.yaml',
    baseDir: '/project',
  });
});

test('top-level settings are converted', () => {
  const config = load(`
    servers:
      only: { command: node }
    tool_names: passthrough
    approval: { timeout: 30s, channels: [webhook], non_interactive: allow, webhook: { url: "https://hooks.example.com/a" } }
    audit: { path: logs/audit.jsonl }
    http: { allowed_hosts: [warden.internal], allowed_origins: ["https://app.example.com"], max_body: 512kb }
    agents:
      a: { webhook: { url: "https://hooks.example.com/b", secret: s } }
  `);
  expect(config.toolNames).toBe('passthrough');
  expect(config.approval).toEqual({ timeoutMs: 30_000, channels: ['webhook'], nonInteractive: 'allow', webhook: { url: 'https://hooks.example.com/a' } });
  expect(config.audit.path).toBe('/project/logs/audit.jsonl');
  expect(config.http).toEqual({ allowedHosts: ['warden.internal'], allowedOrigins: ['https://app.example.com'], maxBodyBytes: 512 * 1024, sessionEvictAfterMs: 60_000 });
  expect(config.agents.a).toEqual({ name: 'a', webhook: { url: 'https://hooks.example.com/b', secret: 's' }, source: 'gateway.yaml:8:3' });
  expect(config.policyFor('a', 'dev').servers).toEqual({ only: { kind: 'generic', readonly: [], trusted: false } });
});

test('max_result_bytes is a size for stdio servers; unset leaves the transport default', () => {
  const config = load(`
    servers:
      big: { command: node, max_result_bytes: 2mb }
      plain: { command: node }
  `);
  expect(config.servers.big).toMatchObject({ maxResultBytes: 2 * 1024 * 1024 });
  expect(config.servers.plain).not.toHaveProperty('maxResultBytes');
  expect(failure(`
    servers:
      gh: { url: "https://example.com/mcp", max_result_bytes: 2mb }
  `).issues.map((issue) => issue.message)).toEqual(['"max_result_bytes" only applies to stdio servers (with "command"); remove it from server "gh"']);
  expect(failure(`
    servers:
      big: { command: node, max_result_bytes: lots }
  `).issues.map((issue) => issue.message)).toEqual(['Invalid size "lots"; write a whole number with b, kb, mb or gb, like "4mb"']);
});
