// `mcp-warden init`: realistic client configs in a temporary HOME and project, the exact gateway.yaml
// and report it writes, and `check` passing on the result.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { sandbox, type Sandbox } from '../setup/places.js';

const SECRETS = ['ghp_realtoken123', 'hunter2', 'sk-live-abc'];

/** A person with Claude Code (project, user and local scope) and OpenCode (JSONC, one shared server). */
function person(): Sandbox {
  const box = sandbox();
  box.write('project/.mcp.json', {
    mcpServers: {
      filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '${HOME}/work'] },
      github: { type: 'http', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ghp_realtoken123' } },
    },
  });
  box.write('home/.claude.json', {
    numStartups: 12,
    mcpServers: {
      'pg.main': {
        type: 'stdio',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-postgres', 'postgres://localhost/app'],
        env: { PGPASSWORD: 'hunter2', LOG_LEVEL: 'info' },
      },
    },
    projects: {
      [box.project]: { mcpServers: { notes: { command: 'node', args: ['/opt/notes/server.js'] } } },
      '/somewhere/else': { mcpServers: { unrelated: { command: 'node', args: ['/opt/other.js'] } } },
    },
  });
  box.write(
    'project/opencode.jsonc',
    `{
  // OpenCode settings for this repo
  "$schema": "https://opencode.ai/config.json",
  "mcp": {
    /* the same filesystem server Claude Code uses */
    "fs": { "type": "local", "command": ["npx", "-y", "@modelcontextprotocol/server-filesystem", "\${HOME}/work"], },
    "sentry": { "type": "remote", "url": "https://mcp.sentry.dev/mcp", "headers": { "Authorization": "Bearer {env:SENTRY_TOKEN}" } },
    "shell": { "type": "local", "command": ["npx", "-y", "@wonderwhy-er/desktop-commander"], "environment": { "OPENAI_API_KEY": "sk-live-abc" } },
  },
}`,
  );
  return box;
}

const EXPORTS = { GITHUB_TOKEN: 'x', PGPASSWORD: 'x', SENTRY_TOKEN: 'x', OPENAI_API_KEY: 'x' };

test('init fronts every server of Claude Code and OpenCode, once each, with secrets moved to variables', async () => {
  const box = person();
  const result = await box.run(['init']);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  const yaml = readFileSync(join(box.project, 'gateway.yaml'), 'utf8');
  expect(box.tidy(yaml)).toMatchInlineSnapshot(`
    "# mcp-warden gateway config, written by \`mcp-warden init\` from the MCP servers configured in:
    #   <project>/.mcp.json
    #   <home>/.claude.json
    #   <project>/opencode.jsonc
    # Secrets were not copied: each one is a \${VAR} reference; export the variables before serving.
    # Check it with \`mcp-warden check\`; every key is described in docs/config-reference.md.

    servers:
      # from claude-code "filesystem" (<project>/.mcp.json, project scope), opencode "fs" (<project>/opencode.jsonc, project scope); kind guessed from its command
      filesystem:
        command: npx
        args: [-y, "@modelcontextprotocol/server-filesystem", "\${HOME}/work"]
        kind: filesystem
        readonly: [read_*, list_*, search_*, get_*, directory_tree]
      # from claude-code "github" (<project>/.mcp.json, project scope)
      github:
        url: https://api.githubcopilot.com/mcp/
        headers:
          Authorization: Bearer \${GITHUB_TOKEN}
      # from claude-code "notes" (<home>/.claude.json, local scope)
      notes:
        command: node
        args: [/opt/notes/server.js]
      # from claude-code "pg.main" (<home>/.claude.json, user scope); kind guessed from its command
      pg-main:
        command: npx
        args: [-y, "@modelcontextprotocol/server-postgres", postgres://localhost/app]
        env:
          PGPASSWORD: \${PGPASSWORD}
          LOG_LEVEL: info
        kind: database
      # from opencode "sentry" (<project>/opencode.jsonc, project scope)
      sentry:
        url: https://mcp.sentry.dev/mcp
        headers:
          Authorization: Bearer \${SENTRY_TOKEN}
      # from opencode "shell" (<project>/opencode.jsonc, project scope); kind guessed from its command
      shell:
        command: npx
        args: [-y, "@wonderwhy-er/desktop-commander"]
        env:
          OPENAI_API_KEY: \${OPENAI_API_KEY}
        kind: shell

    # Every agent below starts here. Calls that change nothing run; a call that writes, runs a shell
    # command or touches a database waits for a human (approval "dangerous", from readonly).
    # readonly alone would refuse writes outright; these settings turn those refusals into asks.
    profiles:
      ask-writes:
        extends: [readonly]
        safety: standard
        shell: unrestricted
        file_write: full
        database: mutations

    # One agent per client that had servers; \`mcp-warden connect CLIENT\` points that client here.
    agents:
      claude-code:
        extends: [ask-writes]
      opencode:
        extends: [ask-writes]
    "
  `);
  expect(result.out).toMatchInlineSnapshot(`
    "Wrote <project>/gateway.yaml with 6 servers and 2 agents:
      filesystem: npx -y @modelcontextprotocol/server-filesystem \${HOME}/work (kind: filesystem)  from claude-code, opencode
      github: https://api.githubcopilot.com/mcp/  from claude-code
      notes: node /opt/notes/server.js  from claude-code
      pg-main: npx -y @modelcontextprotocol/server-postgres postgres://localhost/app (kind: database)  from claude-code
      sentry: https://mcp.sentry.dev/mcp  from opencode
      shell: npx -y @wonderwhy-er/desktop-commander (kind: shell)  from opencode
    Agents (profile ask-writes: reads run, writes ask a human): claude-code, opencode
    Note: claude-code "pg.main" (<home>/.claude.json) is imported as "pg-main": a server id has only letters, digits, "-" and "_", starting with a letter or digit
    Note: opencode "fs" (<project>/opencode.jsonc) is the same server as claude-code "filesystem"; imported once under the name "filesystem"

    Export these before \`mcp-warden check\` or \`serve\` (the values were not written anywhere):
      export GITHUB_TOKEN=...   # github header Authorization, moved out of the client config
      export PGPASSWORD=...   # pg-main env PGPASSWORD, moved out of the client config
      export SENTRY_TOKEN=...   # sentry header Authorization, already a reference in the client config
      export OPENAI_API_KEY=...   # shell env OPENAI_API_KEY, moved out of the client config

    Next: \`mcp-warden check\`, then \`mcp-warden connect CLIENT\` to route a client through the gateway."
  `);
  for (const secret of SECRETS) {
    expect(yaml).not.toContain(secret);
    expect(result.out).not.toContain(secret);
  }
});

test('check passes on what init wrote once the variables are exported, and names each one that is not', async () => {
  const box = person();
  await box.run(['init']);
  const ok = await box.run(['check'], EXPORTS);
  expect(ok.code).toBe(0);
  expect(ok.out).toBe('<project>/gateway.yaml: ok (6 servers, 2 agents, 1 environments)');
  const missing = await box.run(['check'], { ...EXPORTS, PGPASSWORD: undefined as unknown as string });
  expect(missing.code).toBe(1);
  expect(missing.err).toMatch(/servers\.pg-main\.env\.PGPASSWORD: Environment variable "PGPASSWORD" is not set/);
});

test('the agents get the ask-writes profile: reads run, writes ask', async () => {
  const box = person();
  await box.run(['init']);
  const explain = async (tool: string, args: object) =>
    JSON.parse((await box.run(['explain', '--agent', 'opencode', '--tool', tool, '--args', JSON.stringify(args), '--json'], EXPORTS)).out) as { decision: string };
  expect((await explain('filesystem/read_text_file', { path: join(box.home, 'work/a.txt') })).decision).toBe('allow');
  expect((await explain('filesystem/write_file', { path: join(box.home, 'work/a.txt'), content: 'x' })).decision).toBe('ask');
  expect((await explain('github/create_issue', { title: 't' })).decision).toBe('ask');
});

test('--from picks one client; the agent list follows the clients that had servers', async () => {
  const box = person();
  const result = await box.run(['init', '--from', 'opencode']);
  expect(result.code).toBe(0);
  const yaml = readFileSync(join(box.project, 'gateway.yaml'), 'utf8');
  expect(yaml).toContain('\n  opencode:\n    extends: [ask-writes]\n');
  expect(yaml).not.toContain('claude-code:');
  expect(yaml).not.toContain('github');
});

test('Claude Desktop, Cursor and VS Code configs are read from their documented files', async () => {
  const box = sandbox();
  box.write('home/.config/Claude/claude_desktop_config.json', { mcpServers: { memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] } } });
  box.write('home/.cursor/mcp.json', { mcpServers: { linear: { url: 'https://mcp.linear.app/mcp', headers: { 'X-Api-Key': '${env:LINEAR_KEY}' } } } });
  box.write('project/.cursor/mcp.json', { mcpServers: { db: { command: 'uvx', args: ['mcp-server-sqlite', '--db-path', 'app.db'] } } });
  box.write('project/.vscode/mcp.json', {
    inputs: [{ type: 'promptString', id: 'api-key', password: true }],
    servers: { api: { type: 'stdio', command: 'node', args: ['${workspaceFolder}/tools/api.js'], env: { API_KEY: '${input:api-key}' } } },
  });
  const result = await box.run(['init']);
  expect(result.code).toBe(0);
  const yaml = box.tidy(readFileSync(join(box.project, 'gateway.yaml'), 'utf8'));
  expect(yaml).toContain('  memory:\n    command: npx\n');
  expect(yaml).toContain('  linear:\n    url: https://mcp.linear.app/mcp\n    headers:\n      X-Api-Key: ${LINEAR_KEY}\n');
  expect(yaml).toContain('  db:\n    command: uvx\n    args: [mcp-server-sqlite, --db-path, app.db]\n    kind: database\n');
  expect(yaml).toContain('  api:\n    command: node\n    args: [<project>/tools/api.js]\n    env:\n      API_KEY: ${API_KEY}\n');
  expect(yaml).toMatch(/agents:\n {2}# .*\n {2}cursor:\n {4}extends: \[ask-writes\]\n {2}claude-desktop:|agents:[\s\S]*claude-desktop:[\s\S]*cursor:[\s\S]*vscode:/);
  const check = await box.run(['check'], { LINEAR_KEY: 'x', API_KEY: 'x' });
  expect(check.out).toBe('<project>/gateway.yaml: ok (4 servers, 3 agents, 1 environments)');
});

test('init refuses to overwrite an existing gateway.yaml unless --force', async () => {
  const box = person();
  const existing = box.write('project/gateway.yaml', 'servers: {}\n');
  const refused = await box.run(['init']);
  expect(refused.code).toBe(1);
  expect(refused.err).toBe('mcp-warden: <project>/gateway.yaml already exists; init will not overwrite it. Pass --force to replace it, or --config to write elsewhere');
  expect(readFileSync(existing, 'utf8')).toBe('servers: {}\n');
  const forced = await box.run(['init', '--force']);
  expect(forced.code).toBe(0);
  expect(readFileSync(existing, 'utf8')).toContain('filesystem:');
  const elsewhere = await box.run(['init', '--config', 'other/../warden.yaml']);
  expect(elsewhere.code).toBe(0);
  expect(existsSync(join(box.project, 'warden.yaml'))).toBe(true);
});

test('a client config that does not parse stops init with its file and line, and nothing is written', async () => {
  const box = person();
  box.write('project/opencode.jsonc', '{\n  "mcp": {\n    "fs": { "type": "local" "command": ["x"] }\n  }\n}\n');
  const result = await box.run(['init']);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/^mcp-warden: <project>\/opencode\.jsonc:3:29 is not valid JSON: /);
  expect(existsSync(join(box.project, 'gateway.yaml'))).toBe(false);
});

test('an entry of the wrong shape is named with its file and key', async () => {
  const box = sandbox();
  box.write('project/.mcp.json', { mcpServers: { bad: { command: 'x', args: 'not-a-list' } } });
  const result = await box.run(['init']);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/^mcp-warden: <project>\/\.mcp\.json: mcpServers\.bad\.args: /);
});

test('no servers anywhere: init says so, writes nothing and exits 1; an unknown --from is refused', async () => {
  const box = sandbox();
  const empty = await box.run(['init']);
  expect(empty.code).toBe(1);
  expect(empty.err).toBe('mcp-warden: no MCP servers found in any client config for <project>; nothing written');
  expect(existsSync(join(box.project, 'gateway.yaml'))).toBe(false);
  const bad = await box.run(['init', '--from', 'emacs']);
  expect(bad.err).toBe('mcp-warden: Unknown client "emacs" for --from; use one of claude-code, opencode, claude-desktop, cursor, vscode, all');
});

test('servers switched off in the client are not imported', async () => {
  const box = sandbox();
  box.write('project/.mcp.json', { mcpServers: { on: { command: 'node', args: ['on.js'] }, off: { command: 'node', args: ['off.js'], disabled: true } } });
  box.write('project/opencode.json', { mcp: { quiet: { type: 'local', command: ['node', 'quiet.js'], enabled: false } } });
  await box.run(['init']);
  const yaml = readFileSync(join(box.project, 'gateway.yaml'), 'utf8');
  expect(yaml).toContain('  on:\n');
  expect(yaml).not.toMatch(/off\.js|quiet\.js/);
});

test('servers with the same name but different commands are both kept, the second renamed', async () => {
  const box = sandbox();
  box.write('project/.mcp.json', { mcpServers: { tools: { command: 'node', args: ['a.js'] } } });
  box.write('project/opencode.json', { mcp: { tools: { type: 'local', command: ['node', 'b.js'] } } });
  const result = await box.run(['init']);
  expect(result.out).toContain('Note: opencode "tools" (<project>/opencode.json) is imported as "tools-2": another server already has that name');
  expect(readFileSync(join(box.project, 'gateway.yaml'), 'utf8')).toContain('  tools-2:\n    command: node\n    args: [b.js]\n');
});

test('init does not import the gateway entries that connect added', async () => {
  const box = sandbox();
  box.write('project/.mcp.json', {
    mcpServers: {
      'warden-stdio': { command: '/usr/bin/node', args: ['/x/bin/mcp-warden.js', 'serve', '--config', '/p/gateway.yaml', '--agent', 'claude-code'] },
      warden: { type: 'http', url: 'http://127.0.0.1:8787/mcp' },
      echo: { command: 'node', args: ['echo.js'] },
    },
  });
  await box.run(['init']);
  const yaml = readFileSync(join(box.project, 'gateway.yaml'), 'utf8');
  expect(yaml).not.toMatch(/^ {2}warden(-stdio)?:/m);
  expect(yaml).toContain('  echo:\n');
});
