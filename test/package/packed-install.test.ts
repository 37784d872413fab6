// The package as a user installs it: `npm pack`, then `npm install -g` of the tarball into a fresh
// prefix, with runtime dependencies only and no build step, and the installed `mcp-warden` on PATH
// answering --version, check, and a stdio gateway serving one tools/call to a real upstream.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ROOT } from '../e2e/harness.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string>; scripts: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'warden-pack-'));
const prefix = join(work, 'prefix');
const bin = join(prefix, 'bin', 'mcp-warden');
const installed = join(prefix, 'lib', 'node_modules', 'mcp-warden');
let tarball = '';
let files: string[] = [];

beforeAll(async () => {
  // `npm test` built dist/ just before (pretest); prepack would build again and, meanwhile, take
  // dist/bundle away from the other test files that run the gateway. What prepack runs is checked below.
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, info!.filename);
  files = info!.files.map((file) => file.path);
  // --prefer-offline: what `npm ci` just fetched comes from npm's cache; anything else from the registry.
  await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: work,
    env: { ...process.env, npm_config_loglevel: 'error' },
    maxBuffer: 64 * 1024 * 1024,
  });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the tarball holds the launcher and the bundle, and no sources, tests or dev-only config', () => {
  expect(files).toContain('bin/mcp-warden.js');
  expect(files).toContain('dist/bundle/main.js');
  expect(files).toContain('schema/gateway.schema.json');
  expect(files.filter((file) => /^(src|test|bench|scripts)\//.test(file))).toEqual([]);
  // The repository's gateway.yaml runs servers from devDependencies; a user writes their own config.
  expect(files).not.toContain('gateway.yaml');
  expect(pkg.scripts.prepack).toBe('npm run build');
  expect(pkg.scripts.prepare).toBeUndefined();
});

test('npm install -g puts mcp-warden on PATH with runtime dependencies only', async () => {
  expect(existsSync(bin)).toBe(true);
  const deps = readdirSync(join(installed, 'node_modules'));
  for (const dev of Object.keys(pkg.devDependencies).filter((name) => !name.startsWith('@'))) expect(deps).not.toContain(dev);
  expect(deps).not.toContain('typescript');
  const { stdout } = await run(bin, ['--version']);
  expect(stdout.trim()).toBe(pkg.version);
});

function writeConfig(): string {
  const config = join(work, 'gateway.yaml');
  writeFileSync(
    config,
    [
      'servers:',
      '  echo:',
      '    command: node',
      `    args: [${JSON.stringify(join(ROOT, 'test/fixtures/echo-server.mjs'))}]`,
      'agents:',
      '  dev:',
      '    allow: ["echo/echo"]',
      `audit: { path: ${JSON.stringify(join(work, 'audit.jsonl'))} }`,
      '',
    ].join('\n'),
  );
  return config;
}

test('the installed check validates a config, and refuses a broken one with its location', async () => {
  const config = writeConfig();
  const ok = await run(bin, ['check', '--config', config]);
  expect(ok.stdout).toContain(': ok (');
  const broken = join(work, 'broken.yaml');
  writeFileSync(broken, 'servers:\n  echo:\n    comand: node\n');
  const failed = await run(bin, ['check', '--config', broken]).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  expect(failed?.code).toBe(1);
  expect(failed?.stderr).toMatch(/broken\.yaml:3/);
});

test('the installed gateway serves a tools/call over stdio, and denies what the profile does not allow', async () => {
  const config = writeConfig();
  const client = new Client({ name: 'packed-install-test', version: '1' });
  await client.connect(new StdioClientTransport({ command: bin, args: ['serve', '--config', config, '--agent', 'dev', '--non-interactive'], stderr: 'ignore' }));
  try {
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['echo_echo']);
    const result = await client.callTool({ name: 'echo_echo', arguments: { text: 'from the package' } });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain('from the package');
    // A tool the profile does not allow is hidden, and a call to it refused.
    await expect(client.callTool({ name: 'echo_add', arguments: { a: 1, b: 2 } })).rejects.toThrow(/Unknown tool "echo_add": it does not exist or this agent may not use it/);
  } finally {
    await client.close();
  }
  const audit = readFileSync(join(work, 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { tool: string; decision: string });
  expect(audit.map((record) => [record.tool, record.decision])).toEqual([
    ['echo/echo', 'allow'],
    ['echo_add', 'deny'],
  ]);
});
