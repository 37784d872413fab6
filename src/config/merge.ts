// Merges layers into one profile: rules are the union of all layers, a setting comes from the last
// layer that sets it, and a setting no layer sets takes its default (or the policy's cap, if any).
import type { Rule, Setting } from '../policy/types.js';
import type { ModeSettings, ProfileLayer } from './profile-layer.js';

/** A setting and the layer that granted it, so a ceiling violation can name the profile. */
export type Granted<T> = Setting<T> & { grantedBy?: ProfileLayer };

export interface MergedProfile {
  allow: Rule[];
  ask: Rule[];
  deny: Rule[];
  requiredTools: Rule[];
  dangerousPatterns: Rule[];
  settings: { [K in keyof ModeSettings]: Granted<NonNullable<ModeSettings[K]>['value']> | undefined };
}

/** The policy's caps, used as the default of a setting that no layer sets. */
export type PolicyDefaults = Pick<ModeSettings, 'shell' | 'fileWrite' | 'database'>;

/** Merges `layers` in order (later settings win) and fills unset settings with their defaults. */
export function mergeLayers(layers: readonly ProfileLayer[], policy: PolicyDefaults): MergedProfile {
  const merged: MergedProfile = {
    allow: [],
    ask: [],
    deny: [],
    requiredTools: [],
    dangerousPatterns: [],
    settings: {
      shell: policy.shell ?? fallback('unrestricted'),
      fileWrite: policy.fileWrite ?? fallback('full'),
      database: policy.database ?? fallback('mutations'),
      safety: fallback('full'),
      approvalMode: fallback('none'),
      bashOnly: fallback(false),
      timeoutMs: undefined,
      workingDir: undefined,
      // The defaults of upstream_requests: any server may ask the user, none may use the model.
      sampling: fallback([]),
      elicitation: fallback(['*']),
    },
  };
  for (const layer of layers) {
    merged.allow.push(...layer.allow);
    merged.ask.push(...layer.ask);
    merged.deny.push(...layer.deny);
    merged.requiredTools.push(...layer.requiredTools);
    merged.dangerousPatterns.push(...layer.dangerousPatterns);
    for (const [key, setting] of Object.entries(layer.settings) as Array<[keyof ModeSettings, Setting<unknown>]>) {
      (merged.settings as Record<string, Granted<unknown>>)[key] = { ...setting, grantedBy: layer };
    }
  }
  return merged;
}

function fallback<T>(value: T): Setting<T> {
  return { value, source: 'default' };
}
