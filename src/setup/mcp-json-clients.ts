// Claude Desktop and Cursor keep servers in the same `mcpServers` shape as Claude Code, each in its
// documented file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ClientServer, entriesAt, type Places } from './client-server.js';
import { readJsoncFile } from './jsonc.js';

/** claude_desktop_config.json: macOS and Windows are documented; Linux builds use ~/.config/Claude. */
export function claudeDesktopFile(places: Places, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(places.home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
  if (platform === 'win32') return join(places.env.APPDATA ?? join(places.home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json');
  return join(places.env.XDG_CONFIG_HOME ?? join(places.home, '.config'), 'Claude', 'claude_desktop_config.json');
}

export function readClaudeDesktop(places: Places): ClientServer[] {
  const file = claudeDesktopFile(places);
  return existsSync(file) ? entriesAt({ client: 'claude-desktop', file, scope: 'user' }, readJsoncFile(file), ['mcpServers']) : [];
}

/** Cursor: `.cursor/mcp.json` in the project, then `~/.cursor/mcp.json`. */
export function readCursor(places: Places): ClientServer[] {
  const project = join(places.cwd, '.cursor', 'mcp.json');
  const user = join(places.home, '.cursor', 'mcp.json');
  return [
    ...entriesAt({ client: 'cursor', file: project, scope: 'project' }, readJsoncFile(project), ['mcpServers']),
    ...entriesAt({ client: 'cursor', file: user, scope: 'user' }, readJsoncFile(user), ['mcpServers']),
  ];
}
