// Loads the config and picks the environment the same way for every command.
import { WardenError } from '../errors.js';
import { didYouMean, loadConfig, quoteList } from '../config/index.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Io } from './io.js';

export interface CommandContext {
  config: ResolvedConfig;
  environment: string;
}

/** `--config`, else $MCP_WARDEN_CONFIG, else ./gateway.yaml; `--env`, else $MCP_WARDEN_ENV, else default_environment. */
export async function loadContext(io: Io, flags: { config?: string; env?: string }): Promise<CommandContext> {
  const config = await loadConfig({ ...(flags.config ? { file: flags.config } : {}), env: io.env, cwd: io.cwd });
  const environment = flags.env ?? io.env.MCP_WARDEN_ENV ?? config.defaultEnvironment;
  if (!config.environments[environment]) {
    const known = Object.keys(config.environments);
    throw new WardenError('UNKNOWN_ENVIRONMENT', `Unknown environment "${environment}"${didYouMean(environment, known) || `; the config defines ${quoteList(known)}`}`);
  }
  return { config, environment };
}

/** Checks that `agent` exists, with a suggestion when it does not. */
export function requireAgent(config: ResolvedConfig, agent: string): void {
  if (config.agents[agent]) return;
  const known = Object.keys(config.agents);
  throw new WardenError('UNKNOWN_AGENT', `Unknown agent "${agent}"${didYouMean(agent, known) || (known.length ? `; the agents are ${quoteList(known)}` : '')}`);
}
