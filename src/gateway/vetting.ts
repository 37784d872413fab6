// The vetting of one listed definition: how it compares with its pin and what the scanner found,
// turned into the response the config asks for (clean, warn, ask or deny) with the reasons a call
// record and a refusal carry. Pure: data in, data out; the vetter does the reading and auditing.
import type { NewToolsMode, VettingMode } from '../config/types.js';
import type { PinnedEntity, PinStatus } from '../pinning/index.js';
import type { Reason, Setting, Verdict } from '../policy/types.js';
import type { ScanFinding } from '../scanning/index.js';
import { canonicalJson } from '../audit/canonical.js';

export type VettingResponse = 'clean' | 'warn' | 'ask' | 'deny';

/** The settings that apply to one server's definitions, each with where it was written (`default` when nowhere). */
export interface VettingModes {
  pinning: Setting<VettingMode>;
  /** Unset: a new tool is answered as a changed one (`pinning`). */
  newTools?: Setting<NewToolsMode>;
  scanning: Setting<VettingMode>;
}

/** A pin that is not clean: changed since it was pinned, or not pinned at all. */
export type PinDrift = Extract<PinStatus, { state: 'changed' | 'new' }>;

export interface VettingInput {
  server: string;
  /** The entity as listed now. */
  current: PinnedEntity;
  /** How it compares with its pin; undefined when pinning is off or no pins could be compared. */
  status?: PinStatus | undefined;
  findings: readonly ScanFinding[];
  modes: VettingModes;
}

export interface Vetting {
  readonly input: VettingInput;
  readonly response: VettingResponse;
  /** The drift pinning answered (absent when clean by pinning). */
  readonly drift?: PinDrift;
  /** `description`, `inputSchema`… for a changed definition. */
  readonly fields: readonly string[];
  /** The findings scanning answered (empty when clean by scanning). */
  readonly findings: readonly ScanFinding[];
  /** One reason per layer that is not clean; a warning's decision is allow. */
  readonly reasons: readonly Reason[];
}

const RANK: Record<VettingResponse, number> = { clean: 0, warn: 1, ask: 2, deny: 3 };
const AS_VERDICT: Record<Exclude<VettingResponse, 'clean'>, Verdict> = { warn: 'allow', ask: 'ask', deny: 'deny' };
const LABEL: Record<PinnedEntity['kind'], string> = { tool: 'Tool', prompt: 'Prompt', 'resource-template': 'Resource template', instructions: 'Instructions of server' };

/** What the config asks for `input`. */
export function vet(input: VettingInput): Vetting {
  const reasons: Reason[] = [];
  let response: VettingResponse = 'clean';
  let drift: PinDrift | undefined;
  let fields: string[] = [];
  const subject = input.current.kind === 'instructions' ? `${LABEL.instructions} "${input.server}"` : `${LABEL[input.current.kind]} "${input.server}/${input.current.name}"`;

  const status = input.status;
  if (status && (status.state === 'changed' || status.state === 'new') && input.modes.pinning.value !== 'off') {
    const isNew = status.state === 'new';
    const setting = isNew && input.modes.newTools ? input.modes.newTools : input.modes.pinning;
    const rule = isNew && input.modes.newTools ? `pinning.new_tools: ${setting.value}` : `pinning: ${setting.value}`;
    const answer = fromMode(setting.value);
    if (answer !== 'clean') {
      drift = status;
      fields = isNew ? [] : changedFields(status.pin.definition, status.current.definition);
      const what = isNew ? `${subject} is not pinned (it is new since the pins were taken)` : `${subject} changed since it was pinned (${fields.join(', ')})`;
      reasons.push({ layer: 'pinning', decision: AS_VERDICT[answer], rule, source: setting.source, message: `${what}; ${consequence(answer, rule)}` });
      response = answer;
    }
  }

  const findings = input.modes.scanning.value === 'off' ? [] : [...input.findings];
  if (findings.length > 0) {
    const answer = fromMode(input.modes.scanning.value) as Exclude<VettingResponse, 'clean'>;
    const rule = `scanning: ${input.modes.scanning.value}`;
    const rules = [...new Set(findings.map((finding) => `${finding.rule} in ${finding.field}`))].join(', ');
    reasons.push({
      layer: 'scanning',
      decision: AS_VERDICT[answer],
      rule,
      source: input.modes.scanning.source,
      message: `${subject} shows signs of poisoning (${rules}); ${consequence(answer, rule)}`,
    });
    if (RANK[answer] > RANK[response]) response = answer;
  }
  return { input, response, ...(drift ? { drift } : {}), fields, findings: response === 'clean' ? [] : findings, reasons };
}

/** The vetting again with the pin taken as matching (trusted since) and, when `findingsAccepted`, no findings. */
export function revet(vetting: Vetting, change: { pinned?: boolean; findingsAccepted?: boolean }): Vetting {
  const { input } = vetting;
  return vet({
    ...input,
    ...(change.pinned ? { status: { state: 'pinned', pin: input.current } } : {}),
    ...(change.findingsAccepted ? { findings: [] } : {}),
  });
}

function fromMode(mode: VettingMode | NewToolsMode): VettingResponse {
  if (mode === 'off' || mode === 'allow') return 'clean';
  return mode;
}

function consequence(answer: VettingResponse, rule: string): string {
  if (answer === 'deny') return `denied by ${rule}`;
  if (answer === 'ask') return `a person must approve its calls (${rule})`;
  return `allowed with a warning (${rule})`;
}

/** The top-level fields of two definitions that differ (`description`, `inputSchema`), sorted. */
export function changedFields(before: unknown, after: unknown): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(before) || !isObject(after)) return canonicalJson(before) === canonicalJson(after) ? [] : ['definition'];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((key) => canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null) || key in before !== key in after);
}
