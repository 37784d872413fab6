// Claude Code's MCP servers: the project's `.mcp.json` (project scope), and in `~/.claude.json` the
// top-level `mcpServers` (user scope) and `projects[<absolute dir>].mcpServers` (local scope).
import { join } from 'node:path';
import { type ClientServer, entriesAt, type Places } from './client-server.js';
import { readJsoncFile } from './jsonc.js';

/** `.mcp.json` in the project directory. */
export function projectFile(places: Places): string {
  return join(places.cwd, '.mcp.json');
}

/** `~/.claude.json`, where Claude Code keeps user- and local-scope servers. */
export function userFile(places: Places): string {
  return join(places.home, '.claude.json');
}

/** Every server Claude Code would start in `places.cwd`. */
export function readClaudeCode(places: Places): ClientServer[] {
  const project = readJsoncFile(projectFile(places));
  const user = readJsoncFile(userFile(places));
  return [
    ...entriesAt({ client: 'claude-code', file: projectFile(places), scope: 'project' }, project, ['mcpServers']),
    ...entriesAt({ client: 'claude-code', file: userFile(places), scope: 'local' }, user, ['projects', places.cwd, 'mcpServers']),
    ...entriesAt({ client: 'claude-code', file: userFile(places), scope: 'user' }, user, ['mcpServers']),
  ];
}
