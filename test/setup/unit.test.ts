// The pure parts of init: JSONC reading, secret moving and kind guessing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect, test } from 'vitest';
import { stdioRoute } from '../../src/setup/gateway-route.js';
import { BIN } from '../e2e/harness.js';
import { parseJsonc, stripJsonc } from '../../src/setup/jsonc.js';
import { guessKind } from '../../src/setup/kind.js';
import { toGatewayReferences } from '../../src/setup/references.js';
import { SecretTable } from '../../src/setup/secrets.js';

test('JSONC comments and trailing commas go, strings that look like comments stay, lines are kept', () => {
  const text = '{\n  // a comment\n  "url": "https://x.dev/mcp", /* block\n  comment */ "a": [1, 2,],\n}';
  expect(parseJsonc(text, 'f.jsonc')).toEqual({ url: 'https://x.dev/mcp', a: [1, 2] });
  expect(stripJsonc(text).split('\n')).toHaveLength(text.split('\n').length);
  expect(parseJsonc('{ "a": "quote \\" // not a comment" }', 'f')).toEqual({ a: 'quote " // not a comment' });
});

test('a JSONC syntax error names the file, line and column', () => {
  expect(() => parseJsonc('{\n  "a": 1\n  "b": 2\n}', '/p/opencode.jsonc')).toThrow(/^\/p\/opencode\.jsonc:3:3 is not valid JSON/);
});

test.each([
  ['npx -y @modelcontextprotocol/server-filesystem /tmp', 'filesystem'],
  ['npx -y @modelcontextprotocol/server-postgres postgres://db', 'database'],
  ['uvx mcp-server-sqlite --db-path x.db', 'database'],
  ['npx @wonderwhy-er/desktop-commander', 'shell'],
  ['node mcp-shell-server.js', 'shell'],
  ['npx -y @modelcontextprotocol/server-github', undefined],
])('guessKind(%s) is %s', (line, kind) => {
  expect(guessKind(line)).toBe(kind);
});

test('secrets become references and only the variable names are kept', () => {
  const table = new SecretTable();
  expect(table.envValue('gh', 'GITHUB_TOKEN', 'ghp_1')).toBe('${GITHUB_TOKEN}');
  expect(table.envValue('gh', 'LOG_LEVEL', 'info')).toBe('info');
  expect(table.envValue('other', 'GITHUB_TOKEN', 'ghp_2')).toBe('${OTHER_GITHUB_TOKEN}');
  expect(table.envValue('again', 'GITHUB_TOKEN', 'ghp_1')).toBe('${GITHUB_TOKEN}');
  expect(table.headerValue('sentry', 'Authorization', 'Bearer abc')).toBe('Bearer ${SENTRY_TOKEN}');
  expect(table.headerValue('x', 'X-Api-Key', 'k')).toBe('${X_X_API_KEY}');
  expect(table.headerValue('x', 'Accept', 'text/plain')).toBe('text/plain');
  expect(table.envValue('y', 'API_KEY', '${MY_KEY}')).toBe('${MY_KEY}');
  expect(JSON.stringify(table)).not.toMatch(/ghp_|abc/);
  expect(table.variables.map((v) => `${v.variable} ${v.wasReference}`)).toEqual([
    'GITHUB_TOKEN false',
    'OTHER_GITHUB_TOKEN false',
    'SENTRY_TOKEN false',
    'X_X_API_KEY false',
    'MY_KEY true',
  ]);
});

test('client references become gateway references', () => {
  expect(toGatewayReferences('Bearer {env:TOKEN}', 'opencode', '/p')).toBe('Bearer ${TOKEN}');
  expect(toGatewayReferences('${env:A}/${input:api-key}/${workspaceFolder}', 'vscode', '/p')).toBe('${A}/${API_KEY}//p');
  expect(toGatewayReferences('${HOME:-/h}', 'claude-code', '/p')).toBe('${HOME:-/h}');
});

test('a password inside a URL argument is moved out; the user name and host stay', () => {
  const table = new SecretTable();
  expect(table.urlValue('db', 'argument', 'postgresql://app:s3cr%40t@db.internal:5432/app')).toBe('postgresql://app:${DB_PASSWORD}@db.internal:5432/app');
  expect(table.urlValue('db', 'argument', 'postgresql://app@db.internal/app')).toBe('postgresql://app@db.internal/app');
  expect(table.urlValue('db', 'argument', 'https://x.dev/a:b@c')).toBe('https://x.dev/a:b@c');
  expect(table.variables).toEqual([{ variable: 'DB_PASSWORD', server: 'db', field: 'argument', wasReference: false }]);
});

test('the stdio route runs `mcp-warden` when it is on PATH, else node and the launcher by absolute path', () => {
  const bin = mkdtempSync(join(tmpdir(), 'warden-path-'));
  writeFileSync(join(bin, 'mcp-warden'), '');
  expect(stdioRoute('/p/gateway.yaml', 'opencode', `/nowhere${delimiter}${bin}`).stdio).toEqual({
    command: 'mcp-warden',
    args: ['serve', '--config', '/p/gateway.yaml', '--agent', 'opencode'],
  });
  expect(stdioRoute('/p/gateway.yaml', 'opencode', '/nowhere').stdio).toEqual({
    command: process.execPath,
    args: [BIN, 'serve', '--config', '/p/gateway.yaml', '--agent', 'opencode'],
  });
});
