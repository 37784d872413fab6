// `mcp-warden check`: validates the config, resolving every agent in every environment so that
// extends cycles, ceilings and unknown references all surface now rather than at the first call.
import type { ConfigOptions } from './args.js';
import { loadContext } from './context.js';
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
  io.out(`${config.file}: ok (${counts})`);
  return 0;
}
