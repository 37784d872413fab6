// `mcp-warden connect` / `disconnect`: the client's config after init + connect (imported entries
// gone, the gateway entry and permission rules in), backups, restore, idempotence and refusals.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { sandbox, type Sandbox } from '../setup/places.js';
import { BIN } from '../e2e/harness.js';

const ORIGINAL_MCP_JSON = {
  mcpServers: {
    echo: { command: 'node', args: ['/opt/echo.js'] },
    db: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-postgres', 'postgresql://app:pg-secret@localhost/app'] },
    github: { type: 'http', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ghp_realtoken123' } },
  },
};

function claudeUser(box: Sandbox) {
  return {
    numStartups: 7,
    mcpServers: { memory: { type: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: {} } },
    projects: {
      [box.project]: { hasTrustDialogAccepted: true, mcpServers: { notes: { command: 'node', args: ['/opt/notes.js'] } } },
      '/elsewhere': { mcpServers: { other: { command: 'node', args: ['/opt/other.js'] } } },
    },
  };
}

/** A Claude Code user who ran init, then added one more server that the gateway does not know. */
async function initialised(): Promise<Sandbox> {
  const box = sandbox();
  box.write('project/.mcp.json', ORIGINAL_MCP_JSON);
  box.write('home/.claude.json', claudeUser(box));
  expect((await box.run(['init', '--from', 'claude-code'])).code).toBe(0);
  const mcp = JSON.parse(readFileSync(join(box.project, '.mcp.json'), 'utf8')) as typeof ORIGINAL_MCP_JSON & { mcpServers: Record<string, unknown> };
  mcp.mcpServers.later = { command: 'node', args: ['/opt/later.js'] };
  box.write('project/.mcp.json', mcp);
  return box;
}

// The client configs are read as free-form JSON: a key that is missing reads as undefined and fails its assertion.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call */
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;

test('connect claude-code: imported entries leave every scope, the stdio gateway entry and its approvals come in', async () => {
  const box = await initialised();
  const before = readFileSync(join(box.home, '.claude.json'), 'utf8');
  const result = await box.run(['connect', 'claude-code']);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  expect(result.out.replaceAll(process.execPath, '<node>').replaceAll(BIN, '<launcher>')).toMatchInlineSnapshot(`
    "Connected claude-code to the gateway as "warden-stdio" (stdio: <node> <launcher> serve --config <project>/gateway.yaml --agent claude-code):
      removed claude-code "echo" from <project>/.mcp.json (project scope): now served by the gateway
      removed claude-code "db" from <project>/.mcp.json (project scope): now served by the gateway
      removed claude-code "github" from <project>/.mcp.json (project scope): now served by the gateway
      removed claude-code "notes" from <home>/.claude.json (local scope): now served by the gateway
      removed claude-code "memory" from <home>/.claude.json (user scope): now served by the gateway
      added <project>/.mcp.json: mcpServers.warden-stdio
      added <project>/.claude/settings.local.json: permissions.allow "mcp__warden-stdio", enabledMcpjsonServers "warden-stdio"
      backup of <project>/.mcp.json: <project>/.mcp.json.warden-backup-<stamp>
      backup of <home>/.claude.json: <home>/.claude.json.warden-backup-<stamp>
      backup of <project>/.claude/settings.local.json: <project>/.claude/settings.local.json.warden-backup-<stamp>.absent
    Undo with: mcp-warden disconnect claude-code"
  `);
  expect(json(join(box.project, '.mcp.json'))).toEqual({
    mcpServers: {
      later: { command: 'node', args: ['/opt/later.js'] },
      'warden-stdio': { type: 'stdio', command: process.execPath, args: [BIN, 'serve', '--config', join(box.project, 'gateway.yaml'), '--agent', 'claude-code'], env: {} },
    },
  });
  const user = json(join(box.home, '.claude.json'));
  expect(user.numStartups).toBe(7);
  expect(user.mcpServers).toEqual({});
  expect(user.projects[box.project]).toEqual({ hasTrustDialogAccepted: true, mcpServers: {} });
  expect(user.projects['/elsewhere'].mcpServers.other).toBeDefined();
  expect(json(join(box.project, '.claude', 'settings.local.json'))).toEqual({ permissions: { allow: ['mcp__warden-stdio'] }, enabledMcpjsonServers: ['warden-stdio'] });
  const backups = readdirSync(box.home).filter((name) => name.startsWith('.claude.json.warden-backup-'));
  expect(backups).toHaveLength(1);
  expect(readFileSync(join(box.home, backups[0]!), 'utf8')).toBe(before);
});

test('connect is idempotent: a second run changes nothing and makes no backup', async () => {
  const box = await initialised();
  await box.run(['connect', 'claude-code']);
  const files = () => [...readdirSync(box.project), ...readdirSync(box.home)].sort();
  const snapshot = files();
  const mcp = readFileSync(join(box.project, '.mcp.json'), 'utf8');
  const again = await box.run(['connect', 'claude-code']);
  expect(again.code).toBe(0);
  expect(again.out).toBe('claude-code already routes through the gateway (entry "warden-stdio"); nothing changed\nUndo with: mcp-warden disconnect claude-code');
  expect(files()).toEqual(snapshot);
  expect(readFileSync(join(box.project, '.mcp.json'), 'utf8')).toBe(mcp);
});

test('disconnect puts back every file byte for byte and removes the files connect created', async () => {
  const box = await initialised();
  const mcp = readFileSync(join(box.project, '.mcp.json'), 'utf8');
  const user = readFileSync(join(box.home, '.claude.json'), 'utf8');
  await box.run(['connect', 'claude-code']);
  const result = await box.run(['disconnect', 'claude-code']);
  expect(result.code).toBe(0);
  expect(result.out).toMatch(/^Restored claude-code's config from the newest backups:\n {2}restored <project>\/\.mcp\.json from <project>\/\.mcp\.json\.warden-backup-<stamp>\n/);
  expect(readFileSync(join(box.project, '.mcp.json'), 'utf8')).toBe(mcp);
  expect(readFileSync(join(box.home, '.claude.json'), 'utf8')).toBe(user);
  expect(existsSync(join(box.project, '.claude', 'settings.local.json'))).toBe(false);
  // Connecting again after a disconnect works from the restored files.
  expect((await box.run(['connect', 'claude-code'])).out).toContain('removed claude-code "echo"');
});

test('disconnect without a backup says so and exits 1', async () => {
  const box = sandbox();
  const result = await box.run(['disconnect', 'opencode']);
  expect(result.code).toBe(1);
  expect(result.err).toBe('mcp-warden: No backup of opencode\'s config found; "mcp-warden connect opencode" makes one before it changes anything');
});

test('--scope user puts the entry in ~/.claude.json and the permission in ~/.claude/settings.json', async () => {
  const box = await initialised();
  const result = await box.run(['connect', 'claude-code', '--scope', 'user']);
  expect(result.code).toBe(0);
  expect(Object.keys(json(join(box.home, '.claude.json')).mcpServers)).toEqual(['warden-stdio']);
  expect(json(join(box.home, '.claude', 'settings.json'))).toEqual({ permissions: { allow: ['mcp__warden-stdio'] } });
  expect(Object.keys(json(join(box.project, '.mcp.json')).mcpServers)).toEqual(['later']);
  expect(result.out).toContain('Undo with: mcp-warden disconnect claude-code --scope user');
});

test('--http: the entry carries the token as a variable reference, and the agent gets that variable in gateway.yaml', async () => {
  const box = await initialised();
  const result = await box.run(['connect', 'claude-code', '--http', 'http://127.0.0.1:8787/mcp']);
  expect(result.code).toBe(0);
  expect(json(join(box.project, '.mcp.json')).mcpServers.warden).toEqual({
    type: 'http',
    url: 'http://127.0.0.1:8787/mcp',
    headers: { Authorization: 'Bearer ${CLAUDE_CODE_TOKEN}' },
  });
  expect(result.out).toContain('Gave agent "claude-code" the token ${CLAUDE_CODE_TOKEN} in <project>/gateway.yaml; export CLAUDE_CODE_TOKEN=$(openssl rand -hex 32) for both the gateway and the client');
  const gateway = readFileSync(join(box.project, 'gateway.yaml'), 'utf8');
  expect(gateway).toContain('  claude-code:\n    extends: [ask-writes]\n    token: ${CLAUDE_CODE_TOKEN}\n');
  expect(gateway).toContain('# One agent per client');
  expect((await box.run(['check'], { GITHUB_TOKEN: 'x', DB_PASSWORD: 'x', CLAUDE_CODE_TOKEN: 't' })).code).toBe(0);
  expect(gateway).toContain('postgresql://app:${DB_PASSWORD}@localhost/app');
  expect(gateway).not.toContain('pg-secret');
  // Both routes can live side by side: they have different names.
  await box.run(['connect', 'claude-code', '--stdio']);
  expect(Object.keys(json(join(box.project, '.mcp.json')).mcpServers)).toEqual(['later', 'warden', 'warden-stdio']);
});

test('connect opencode: JSONC read, imported entries removed, the gateway entry and its permission written', async () => {
  const box = sandbox();
  box.write(
    'project/opencode.jsonc',
    `{
  // team settings
  "$schema": "https://opencode.ai/config.json",
  "permission": "ask",
  "mcp": {
    "echo": { "type": "local", "command": ["node", "/opt/echo.js"], },
    "sentry": { "type": "remote", "url": "https://mcp.sentry.dev/mcp", "headers": { "Authorization": "Bearer {env:SENTRY_TOKEN}" } },
  },
}`,
  );
  const original = readFileSync(join(box.project, 'opencode.jsonc'), 'utf8');
  await box.run(['init']);
  box.write('home/.config/opencode/opencode.json', { mcp: { personal: { type: 'local', command: ['node', '/opt/personal.js'] } } });
  const result = await box.run(['connect', 'opencode', '--http', 'http://127.0.0.1:8787/mcp']);
  expect(result.code).toBe(0);
  expect(json(join(box.project, 'opencode.jsonc'))).toEqual({
    $schema: 'https://opencode.ai/config.json',
    permission: { '*': 'ask', 'warden_*': 'allow' },
    mcp: { warden: { type: 'remote', url: 'http://127.0.0.1:8787/mcp', enabled: true, headers: { Authorization: 'Bearer {env:OPENCODE_TOKEN}' } } },
  });
  // A server init never saw stays where it is.
  expect(json(join(box.home, '.config/opencode/opencode.json')).mcp.personal).toBeDefined();
  expect(result.out).toContain('note: the comments in <project>/opencode.jsonc were not kept (they are in its backup)');
  await box.run(['disconnect', 'opencode']);
  expect(readFileSync(join(box.project, 'opencode.jsonc'), 'utf8')).toBe(original);
});

test('connect opencode with no project config writes opencode.json, and disconnect removes it', async () => {
  const box = sandbox();
  box.write('home/.config/opencode/opencode.json', { mcp: { echo: { type: 'local', command: ['node', '/opt/echo.js'] } } });
  await box.run(['init']);
  expect((await box.run(['connect', 'opencode'])).code).toBe(0);
  expect(json(join(box.project, 'opencode.json')).mcp['warden-stdio'].command.slice(1, 3)).toEqual([BIN, 'serve']);
  expect(json(join(box.project, 'opencode.json')).permission).toEqual({ 'warden-stdio_*': 'allow' });
  expect(json(join(box.home, '.config/opencode/opencode.json')).mcp).toEqual({});
  await box.run(['disconnect', 'opencode']);
  expect(existsSync(join(box.project, 'opencode.json'))).toBe(false);
  expect(json(join(box.home, '.config/opencode/opencode.json')).mcp.echo).toBeDefined();
});

test('a client config that does not parse stops connect with its file and line; nothing is written', async () => {
  const box = await initialised();
  box.write('home/.claude.json', '{\n  "mcpServers": {\n    "a": {}\n    "b": {}\n  }\n}');
  const listing = readdirSync(box.project);
  const result = await box.run(['connect', 'claude-code']);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/^mcp-warden: <home>\/\.claude\.json:4:5 is not valid JSON: /);
  expect(readdirSync(box.project)).toEqual(listing);
  expect(readdirSync(box.home).filter((name) => name.includes('warden-backup'))).toEqual([]);
});

test('connect refuses without a gateway.yaml, for an agent it lacks, for a literal token, and for bad flags', async () => {
  const box = sandbox();
  expect((await box.run(['connect', 'claude-code'])).err).toBe('mcp-warden: <project>/gateway.yaml does not exist; run "mcp-warden init" first, or pass --config');
  box.write('project/gateway.yaml', 'servers: {}\nagents:\n  claude-code: { token: plain-secret }\n');
  expect((await box.run(['connect', 'opencode'])).err).toBe(
    'mcp-warden: <project>/gateway.yaml has no agent "opencode"; run "mcp-warden init --from opencode" or add the agent, then connect again',
  );
  expect((await box.run(['connect', 'claude-code', '--http', 'http://127.0.0.1:8787/mcp'])).err).toMatch(/has its token written in the file; write it as "\$\{VARIABLE\}"/);
  expect((await box.run(['connect', 'claude-code', '--http', 'http://x', '--stdio'])).err).toBe('mcp-warden: Pass either --http URL or --stdio, not both');
  expect((await box.run(['connect', 'cursor'])).err).toBe('mcp-warden: Unknown client "cursor"; usage: mcp-warden connect claude-code|opencode');
  expect((await box.run(['connect', 'claude-code', '--scope', 'team'])).err).toBe('mcp-warden: Unknown scope "team" for --scope; use project or user');
});

test('init, connect and disconnect print their usage with --help and exit 0', async () => {
  const box = sandbox();
  for (const command of ['init', 'connect', 'disconnect']) {
    const result = await box.run([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^Usage: mcp-warden ${command} `));
  }
  expect(existsSync(join(box.project, 'gateway.yaml'))).toBe(false);
});
