// Pinning and scanning settings (issue 13) as written at one level of the config (global, an
// environment, a server), each with the place it was written, so a pinning denial can cite its rule.
import type { SourceMap } from './source-map.js';
import type { NewToolsMode, VettingMode, VettingSettings } from './types.js';

interface Written {
  pinning?: { mode?: VettingMode | undefined; new_tools?: NewToolsMode | undefined } | undefined;
  scanning?: { mode?: VettingMode | undefined } | undefined;
}

/** The settings of the entry at `at` (`[]` for the top level); undefined when it sets none. */
export function vettingSettings(entry: Written, at: Array<string | number>, map: SourceMap): VettingSettings | undefined {
  const settings: VettingSettings = {};
  if (entry.pinning?.mode) settings.pinning = { value: entry.pinning.mode, source: map.source([...at, 'pinning', 'mode']) };
  if (entry.pinning?.new_tools) settings.newTools = { value: entry.pinning.new_tools, source: map.source([...at, 'pinning', 'new_tools']) };
  if (entry.scanning?.mode) settings.scanning = { value: entry.scanning.mode, source: map.source([...at, 'scanning', 'mode']) };
  return Object.keys(settings).length > 0 ? settings : undefined;
}
