// Which pinning and scanning settings apply to one server's definitions for one agent: the server's,
// else the environment's, else the global ones; unset everywhere, ask when a person can be asked
// and deny when nobody can (a non-interactive run, or no approval channel).
import type { ResolvedConfig, VettingSettings } from '../config/types.js';
import type { VettingModes } from './vetting.js';

export interface ModesContext {
  config: Pick<ResolvedConfig, 'vetting' | 'environments' | 'servers'>;
  environment: string;
  /** The agent's approval channels in this environment. */
  channels: readonly string[];
  /** `--non-interactive`, or CI with no webhook: no person answers an ask. */
  nonInteractive: boolean;
}

export function vettingModes(server: string, context: ModesContext): VettingModes {
  const levels: Array<VettingSettings | undefined> = [
    context.config.servers[server]?.vetting,
    context.config.environments[context.environment]?.vetting,
    context.config.vetting,
  ];
  const first = <K extends keyof VettingSettings>(key: K): VettingSettings[K] => levels.find((level) => level?.[key])?.[key];
  const human = !context.nonInteractive && context.channels.length > 0;
  const fallback = { value: human ? ('ask' as const) : ('deny' as const), source: human ? 'default (a person can be asked)' : 'default (nobody can be asked)' };
  const newTools = first('newTools');
  return {
    pinning: first('pinning') ?? fallback,
    ...(newTools ? { newTools } : {}),
    scanning: first('scanning') ?? fallback,
  };
}
