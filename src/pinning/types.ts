// What a pin is: the digest and full definition of one thing an upstream shows the model, so that a
// changed definition can be detected (digest) and shown (diff). The contract between the lockfile and
// CLI side (`mcp-warden pin`) and the run-time side (the session's catalog).

/** The kinds of entity pinned per server. `instructions` is the server's initialize instructions (name = ''). */
export type PinnedKind = 'tool' | 'prompt' | 'resource-template' | 'instructions';

/** One entity's canonical definition: only the fields a pin covers, in canonical form. */
export interface PinnedEntity {
  kind: PinnedKind;
  /** Tool, prompt or template name; '' for instructions. */
  name: string;
  /** The covered fields only (see canonicalDefinition), JSON-safe. */
  definition: unknown;
  /** `sha256:` + hex sha256 of the canonical JSON of `definition`. */
  digest: string;
}

/** Every pin of one server. */
export interface ServerPins {
  tools: Record<string, PinnedEntity>;
  prompts: Record<string, PinnedEntity>;
  resourceTemplates: Record<string, PinnedEntity>;
  instructions?: PinnedEntity;
}

/** How one listed entity compares with its pin. */
export type PinStatus =
  | { state: 'pinned'; pin: PinnedEntity }
  | { state: 'changed'; pin: PinnedEntity; current: PinnedEntity; diff: string }
  | { state: 'new'; current: PinnedEntity }
  | { state: 'removed'; pin: PinnedEntity };

/** Where the pins come from, for explain and messages: the lockfile, or trust on first use in the state dir. */
export type PinSource = { kind: 'lockfile'; path: string } | { kind: 'state'; path: string };

/**
 * The pins a gateway checks against: the lockfile when there is one, else trust on first use, plus
 * changes a human trusted at run time (kept in the state directory). A file twin and a memory twin.
 */
export interface PinStore {
  /** The pins of `server`, or undefined when none are kept (nothing pinned yet). */
  load(server: string): Promise<ServerPins | undefined>;
  /** Records `entity` as trusted for `server` (trust on first use, or a human's "trust" answer). */
  trust(server: string, entity: PinnedEntity): Promise<void>;
  /** Where the pins come from. */
  source(): PinSource;
}
