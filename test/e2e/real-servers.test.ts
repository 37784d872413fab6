// The gateway in front of the real official servers: server-everything and server-filesystem, with
// argument inspection on: create-only file writes and a restricted shell.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectStdio, textOf, writeConfig, type StdioConnection } from './harness.js';

const CONFIG = `
servers:
  fs:
    command: node
    args: ["{{root}}node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", "{{dir}}/ws"]
    kind: filesystem
    readonly: [read_*, list_*, search_*, get_*, directory_tree]
  everything:
    command: node
    args: ["{{root}}node_modules/@modelcontextprotocol/server-everything/dist/index.js", "stdio"]
  shell:
    command: node
    args: ["{{fixtures}}/shell-server.mjs"]
    kind: shell
profiles:
  careful:
    allow: ["fs/*", "everything/echo", "everything/get-sum", "shell/run"]
    file_write: create-only
    shell: restricted
agents:
  writer:
    extends: [careful]
environments:
  dev: { safety: full, audit: false }
`;

let config: { dir: string; file: string };
let conn: StdioConnection;
let ws: string;

beforeAll(async () => {
  config = writeConfig(CONFIG);
  ws = join(config.dir, 'ws');
  mkdirSync(ws);
  writeFileSync(join(ws, 'existing.txt'), 'original');
  mkdirSync(join(config.dir, 'outside'));
  writeFileSync(join(config.dir, 'outside', 'target.txt'), 'outside original');
  symlinkSync(join(config.dir, 'outside', 'target.txt'), join(ws, 'link.txt'));
  conn = await connectStdio(config, 'writer');
});
afterAll(async () => {
  await conn?.close();
});

test('tools of both real servers are listed, filtered by the profile', async () => {
  const names = (await conn.client.listTools()).tools.map((tool) => tool.name);
  expect(names).toContain('fs_read_text_file');
  expect(names).toContain('fs_write_file');
  expect(names).toContain('everything_echo');
  expect(names).not.toContain('everything_trigger-long-running-operation');
});

test('server-everything echo goes through', async () => {
  const result = await conn.client.callTool({ name: 'everything_echo', arguments: { message: 'via warden' } });
  expect(textOf(result)).toContain('via warden');
});

test('create-only lets a new file be written', async () => {
  const result = await conn.client.callTool({ name: 'fs_write_file', arguments: { path: join(ws, 'new.txt'), content: 'fresh' } });
  expect(result.isError).toBeFalsy();
  expect(readFileSync(join(ws, 'new.txt'), 'utf8')).toBe('fresh');
});

test('create-only refuses an overwrite, and the file is untouched', async () => {
  const result = await conn.client.callTool({ name: 'fs_write_file', arguments: { path: join(ws, 'existing.txt'), content: 'clobbered' } });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/file_write create-only: .*already exists/);
  expect(readFileSync(join(ws, 'existing.txt'), 'utf8')).toBe('original');
});

test('create-only refuses a write through a symlink, and the target is untouched', async () => {
  const result = await conn.client.callTool({ name: 'fs_write_file', arguments: { path: join(ws, 'link.txt'), content: 'through the link' } });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/file_write create-only/);
  expect(readFileSync(join(config.dir, 'outside', 'target.txt'), 'utf8')).toBe('outside original');
});

test('create-only refuses a relative ../ escape', async () => {
  const result = await conn.client.callTool({ name: 'fs_write_file', arguments: { path: join(ws, '..', 'outside', 'escaped.txt'), content: 'x' } });
  expect(result.isError).toBe(true);
  expect(existsSync(join(config.dir, 'outside', 'escaped.txt'))).toBe(false);
});

test('reads stay allowed', async () => {
  const result = await conn.client.callTool({ name: 'fs_read_text_file', arguments: { path: join(ws, 'existing.txt') } });
  expect(textOf(result)).toContain('original');
});

test('a restricted shell runs git status and refuses a chained rm', async () => {
  const ok = await conn.client.callTool({ name: 'shell_run', arguments: { command: 'git status' } });
  expect(ok.isError).toBeFalsy();
  expect(textOf(ok)).toContain('git status');
  const refused = await conn.client.callTool({ name: 'shell_run', arguments: { command: 'ls; rm -rf x' } });
  expect(refused.isError).toBe(true);
  expect(textOf(refused)).toMatch(/shell restricted: .*"rm"/);
});
