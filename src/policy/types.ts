// The data the decision engine works on: what config resolution hands it, what a call looks like,
// and what a decision is. Pure types; nothing here does I/O.

export type Verdict = 'allow' | 'ask' | 'deny';

/** allow < ask < deny: a layer may only move a decision to the right. */
export const VERDICT_RANK: Readonly<Record<Verdict, number>> = { allow: 0, ask: 1, deny: 2 };

/** `pinning` and `scanning` are the tool's definition, not the call: a changed or flagged definition (issue 13). */
export type Layer = 'input' | 'agent' | 'name' | 'inspection' | 'safety' | 'approval' | 'ceiling' | 'pinning' | 'scanning';

/** Why a layer set or tightened the decision; `source` says where the rule was written. */
export interface Reason {
  layer: Layer;
  decision: Verdict;
  /** The rule as written, e.g. `deny: "*\/delete*"` or `safety: standard`. */
  rule: string;
  /** `gateway.yaml:12:7`, or `built-in profile "readonly"`, or `default` for the implicit default deny. */
  source: string;
  /** A sentence a person (or the model) can act on. */
  message: string;
}

export interface Decision {
  verdict: Verdict;
  reasons: Reason[];
  /** Whether the call was classified as one that changes something. */
  writes: boolean;
}

/** A glob over `server/tool` with the place it was written. */
export interface Rule {
  pattern: string;
  source: string;
}

/** A resolved setting with the place it came from (`default` when no profile set it). */
export interface Setting<T> {
  value: T;
  source: string;
}

export type ShellMode = 'restricted' | 'unrestricted';
export type FileWriteMode = 'off' | 'create-only' | 'full';
export type DatabaseMode = 'readonly' | 'mutations';
export type SafetyMode = 'safe' | 'standard' | 'full';
export type ApprovalMode = 'all' | 'dangerous' | 'granular' | 'none';
export type ServerKind = 'shell' | 'filesystem' | 'database' | 'generic';

/** What the policy needs to know about one upstream server. */
export interface ServerPolicy {
  kind: ServerKind;
  /** Tools the operator declares read-only (`readonly:` globs over the bare tool name). */
  readonly: Rule[];
  /** Believe the server's readOnlyHint / destructiveHint annotations. */
  trusted: boolean;
}

/** An organisation ceiling: a call matching `pattern` is never decided more loosely than `verdict`. */
export interface CeilingRule {
  pattern: string;
  verdict: 'ask' | 'deny';
  source: string;
}

/** One agent's merged profile in one environment, every rule and setting with its source. */
export interface EffectivePolicy {
  agent: string;
  environment: string;
  /** The environment's `agents` list; null when the environment does not restrict agents. */
  activeAgents: Setting<string[]> | null;
  allow: Rule[];
  ask: Rule[];
  deny: Rule[];
  shell: Setting<ShellMode>;
  fileWrite: Setting<FileWriteMode>;
  database: Setting<DatabaseMode>;
  /** The profile's safety; the engine applies the stricter of this and `environmentSafety`. */
  safety: Setting<SafetyMode>;
  environmentSafety: Setting<SafetyMode>;
  approval: {
    mode: Setting<ApprovalMode>;
    requiredTools: Rule[];
    /** Literal phrases, or `/regex/flags`. */
    dangerousPatterns: Rule[];
  };
  bashOnly: Setting<boolean>;
  ceilings: CeilingRule[];
  servers: Record<string, ServerPolicy>;
  /**
   * Servers (globs over the server id) that may send sampling or elicitation requests to the agent.
   * Absent: elicitation from every server, sampling from none.
   */
  upstreamRequests?: { sampling: Setting<string[]>; elicitation: Setting<string[]> };
}

export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
}

/**
 * Facts about a call's arguments, produced (asynchronously, with parsers and the file system) by
 * `inspect/` before the engine runs, so that `decide` itself stays pure. The engine applies the mode.
 */
export interface Inspection {
  check: 'shell' | 'filesystem' | 'database';
  /** False when the arguments could not be parsed or classified: the call is denied in every restricting mode. */
  understood: boolean;
  /** Whether the call changes something, per the check. Overrides the name-based classification. */
  writes: boolean;
  /**
   * Why the restricting mode refuses this call, naming the offending part: for shell the reason it is not
   * read-only (`"rm" is not on the read-only allowlist`), for files why create-only refuses it
   * (`"notes.txt" already exists`), for SQL why it is not a plain read. Absent when the call fits.
   */
  violation?: string;
  /**
   * A finding refused in every mode, even where the mode's own check is off (`shell: unrestricted`,
   * `file_write: full`): a read of a sensitive path, a bash network device. Names the rule that matched.
   */
  refusal?: Refusal;
  /** Extra normalised texts (parsed commands, deparsed SQL) that dangerous patterns are also matched on. */
  patternTexts: string[];
  /**
   * Dangerous patterns (as written in config) that the check found in the parsed form, e.g. `rm -rf`
   * found in `/bin/rm --recursive --force x`. The engine treats each as a match.
   */
  matchedPatterns?: string[];
}

/** Why inspection refuses a call whatever the mode: the rule (e.g. `sensitive path "~/.ssh/**"`), where it was written, and a sentence. */
export interface Refusal {
  rule: string;
  source: string;
  message: string;
}

/**
 * One tool call as the engine sees it. Every tools/call is decided as a call, whether or not the agent
 * sent `arguments` (a call without them is inspected like one with `{}`); only a `ToolListing` is
 * decided as the tools/list question.
 */
export interface ToolCall {
  kind?: 'call';
  server: string;
  tool: string;
  arguments?: unknown;
  /** The upstream's annotations for this tool; only believed for trusted servers. */
  annotations?: ToolAnnotations;
  /** Present when the server has a kind and `inspect/` looked at the arguments. */
  inspection?: Inspection;
}

/**
 * The question tools/list asks: what this tool gets whatever arguments a call would carry. It is
 * tagged, not told apart by missing `arguments`, so a tools/call that omits them can never be
 * decided as this question (which skips inspection and dangerous patterns).
 */
export interface ToolListing {
  kind: 'list';
  server: string;
  tool: string;
  /** The upstream's annotations for this tool; only believed for trusted servers. */
  annotations?: ToolAnnotations;
}

/** What `decide` answers: one tool call, or the tools/list question about one tool. */
export type ToolQuestion = ToolCall | ToolListing;
