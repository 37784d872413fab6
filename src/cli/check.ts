// `mcp-warden check`: validates the config, resolving every agent in every environment so that
// extends cycles, ceilings and unknown references all surface now rather than at the first call.
// Rules that name no defined server are warnings (errors with --strict): they silently match nothing.
import type { ConfigOptions } from './args.js';
import { displayPath } from '../config/index.js';
import { formatIssues } from '../errors.js';
import { loadContext } from './context.js';
import { unknownServerRules } from './unknown-servers.js';
import type { Io } from './io.js';

export interface CheckOptions extends ConfigOptions {
  strict?: boolean;
}

export async function runCheck(options: CheckOptions, io: Io): Promise<number> {
  const { config } = await loadContext(io, options);
  for (const environment of Object.keys(config.environments)) {
    for (const agent of Object.keys(config.agents)) config.policyFor(agent, environment);
  }
  const counts = `${Object.keys(config.servers).length} servers, ${Object.keys(config.agents).length} agents, ${Object.keys(config.environments).length} environments`;
  const warnings = await unknownServerRules(config.file, displayPath(config.file, io.cwd), Object.keys(config.servers));
  for (const warning of warnings) io.err(`warning: ${formatIssues([warning])}`);
  if (warnings.length > 0 && options.strict) {
    io.err(`mcp-warden: ${warnings.length} warning${warnings.length > 1 ? 's' : ''}, which --strict makes an error`);
    return 1;
  }
  io.out(`${config.file}: ok (${counts}${warnings.length > 0 ? `; ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : ''})`);
  return 0;
}
