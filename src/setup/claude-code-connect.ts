// Connect for Claude Code: removes the imported direct entries from every scope it reads, adds the
// gateway entry at the chosen scope, and pre-approves the gateway's tools so that Claude Code does not
// ask a second time what the gateway already asks a human about.
//   project: `.mcp.json`, plus `.claude/settings.local.json` (personal, git-ignored): the entry named
//            in enabledMcpjsonServers (Claude Code otherwise leaves a project server "pending approval")
//            and `mcp__<entry>` in permissions.allow.
//   user:    `mcpServers` in ~/.claude.json, and `mcp__<entry>` in ~/.claude/settings.json.
import { join } from 'node:path';
import { projectFile, readClaudeCode, userFile } from './claude-code.js';
import type { ClientServer, Places } from './client-server.js';
import { type ConnectPlan, fileIn, newPlan } from './connect-plan.js';
import type { GatewayRoute } from './gateway-route.js';
import { addToList, objectIn } from './json-file.js';

export type Scope = 'project' | 'user';

export function planClaudeCode(places: Places, scope: Scope, route: GatewayRoute, imported: (entry: ClientServer) => boolean): ConnectPlan {
  const plan = newPlan();
  for (const entry of readClaudeCode(places).filter(imported)) {
    delete objectIn(fileIn(plan, entry.file).data, entry.container)[entry.name];
    plan.removed.push(entry);
  }
  const target = fileIn(plan, scope === 'project' ? projectFile(places) : userFile(places));
  objectIn(target.data, ['mcpServers'])[route.name] = entryFor(route);
  plan.added.push(`${target.file}: mcpServers.${route.name}`);
  const settings = fileIn(plan, scope === 'project' ? join(places.cwd, '.claude', 'settings.local.json') : join(places.home, '.claude', 'settings.json'));
  addToList(settings.data, ['permissions', 'allow'], `mcp__${route.name}`);
  if (scope === 'project') addToList(settings.data, ['enabledMcpjsonServers'], route.name);
  plan.added.push(`${settings.file}: permissions.allow "mcp__${route.name}"${scope === 'project' ? `, enabledMcpjsonServers "${route.name}"` : ''}`);
  return plan;
}

function entryFor(route: GatewayRoute): Record<string, unknown> {
  if (route.http) return { type: 'http', url: route.http.url, headers: { Authorization: `Bearer \${${route.http.tokenVariable}}` } };
  return { type: 'stdio', command: route.stdio!.command, args: route.stdio!.args, env: {} };
}
