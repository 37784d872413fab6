// Connect for OpenCode: removes the imported direct entries from its project and global configs, adds
// the gateway entry at the chosen scope, and allows the gateway's tools (named `<entry>_<tool>` by
// OpenCode) in `permission`, so the human is asked once, by the gateway.
import type { ClientServer, Places } from './client-server.js';
import type { Scope } from './claude-code-connect.js';
import { type ConnectPlan, fileIn, newPlan } from './connect-plan.js';
import type { GatewayRoute } from './gateway-route.js';
import { objectIn } from './json-file.js';
import { projectFile, readOpencode, userFile } from './opencode.js';

export function planOpencode(places: Places, scope: Scope, route: GatewayRoute, imported: (entry: ClientServer) => boolean): ConnectPlan {
  const plan = newPlan();
  for (const entry of readOpencode(places).filter(imported)) {
    delete objectIn(fileIn(plan, entry.file).data, entry.container)[entry.name];
    plan.removed.push(entry);
  }
  const target = fileIn(plan, scope === 'project' ? projectFile(places) : userFile(places));
  target.data.$schema ??= 'https://opencode.ai/config.json';
  objectIn(target.data, ['mcp'])[route.name] = entryFor(route);
  // `permission: "ask"` is shorthand for every tool; keep it as the catch-all before our rule (last match wins).
  if (typeof target.data.permission === 'string') target.data.permission = { '*': target.data.permission };
  const permission = objectIn(target.data, ['permission']);
  delete permission[`${route.name}_*`];
  permission[`${route.name}_*`] = 'allow';
  plan.added.push(`${target.file}: mcp.${route.name}, permission "${route.name}_*": "allow"`);
  return plan;
}

function entryFor(route: GatewayRoute): Record<string, unknown> {
  if (route.http) return { type: 'remote', url: route.http.url, enabled: true, headers: { Authorization: `Bearer {env:${route.http.tokenVariable}}` } };
  return { type: 'local', command: [route.stdio!.command, ...route.stdio!.args], enabled: true };
}
