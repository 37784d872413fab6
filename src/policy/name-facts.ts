// Everything about a call that depends only on its `server/tool`: the agent, name and bash_only
// layers, whether the server's readonly list covers it, required_tools and ceilings. Memoised per
// name in a bounded map, because the same few tools are called over and over.
import type { Reason, Rule, Verdict } from './types.js';
import type { CompiledPolicy, CompiledServer } from './compile.js';
import type { Subject } from './layer.js';
import { fold } from './outcome.js';
import { ceilingReason } from './ceiling-layer.js';

export interface NameFacts {
  /** `server/tool`. */
  qualified: string;
  tool: string;
  server: CompiledServer;
  /** The decision after the agent, name and bash_only layers. */
  decision: Verdict;
  reasons: readonly Reason[];
  /** The server `readonly:` rule the tool matches, if any. */
  readonlyRule: Rule | undefined;
  /** The first required_tools rule that matches, if any. */
  requiredTool: Rule | undefined;
  /** A reason per matching ceiling, in ceiling order. */
  ceilings: readonly Reason[];
}

export interface NameMemo {
  get(server: string, tool: string): NameFacts | undefined;
  set(server: string, tool: string, facts: NameFacts): void;
}

/**
 * A map per server keyed by the bare tool name (no key string is built per call), cleared when it
 * holds `limit` entries in all: simple, and bounded whatever names callers send.
 */
export function createNameMemo(limit: number): NameMemo {
  const byServer = new Map<string, Map<string, NameFacts>>();
  let size = 0;
  return {
    get: (server, tool) => byServer.get(server)?.get(tool),
    set(server, tool, facts) {
      if (limit <= 0) return;
      if (size >= limit) {
        byServer.clear();
        size = 0;
      }
      let tools = byServer.get(server);
      if (!tools) byServer.set(server, (tools = new Map<string, NameFacts>()));
      tools.set(tool, facts);
      size++;
    },
  };
}

/** The facts for a validated name on a configured server. */
export function nameFacts(compiled: CompiledPolicy, server: CompiledServer, tool: string): NameFacts {
  const cached = compiled.memo.get(server.id, tool);
  if (cached !== undefined) return cached;
  const facts = computeFacts(compiled, { server, tool, qualified: `${server.id}/${tool}` });
  compiled.memo.set(server.id, tool, facts);
  return facts;
}

/**
 * The agent, name and bash_only layers (README "How a call is decided"): their reasons depend on the name alone, so
 * they are worked out once per name here.
 */
export function nameLayer(_compiled: unknown, subject: Subject): readonly Reason[] {
  return subject.facts.reasons;
}

/** A validated name: its configured server, the bare tool name and `server/tool`. */
interface Name {
  server: CompiledServer;
  tool: string;
  qualified: string;
}

function computeFacts(compiled: CompiledPolicy, name: Name): NameFacts {
  const { server, tool, qualified } = name;
  const outcome = fold(compiled.inactiveAgent ? [compiled.inactiveAgent] : nameRuleReasons(compiled, name));
  return {
    qualified,
    tool,
    server,
    decision: outcome.decision,
    // The reasons are shared by every decision for this name; the array is copied per decision (a
    // frozen array would make that copy ten times slower), the reasons themselves are frozen.
    reasons: outcome.reasons.map((reason) => Object.freeze(reason)),
    readonlyRule: server.readonly.first(tool),
    requiredTool: compiled.requiredTools.first(qualified),
    ceilings: compiled.ceilings.all(qualified).map((ceiling) => ceilingReason(ceiling, `"${qualified}"`)),
  };
}

/** README "How a call is decided": deny if any deny matches, else ask, else allow, else deny; then bash_only. */
function nameRuleReasons(compiled: CompiledPolicy, name: Name): Reason[] {
  const { server, qualified } = name;
  const reasons: Reason[] = [];
  const denied = compiled.deny.first(qualified);
  const asked = denied ? undefined : compiled.ask.first(qualified);
  const allowed = denied || asked ? undefined : compiled.allow.first(qualified);
  if (denied) {
    reasons.push({ layer: 'name', decision: 'deny', rule: `deny: "${denied.pattern}"`, source: denied.source, message: `"${qualified}" matches the deny rule "${denied.pattern}"` });
  } else if (asked) {
    reasons.push({ layer: 'name', decision: 'ask', rule: `ask: "${asked.pattern}"`, source: asked.source, message: `"${qualified}" matches the ask rule "${asked.pattern}", so a person must approve it` });
  } else if (allowed) {
    reasons.push({ layer: 'name', decision: 'allow', rule: `allow: "${allowed.pattern}"`, source: allowed.source, message: `"${qualified}" matches the allow rule "${allowed.pattern}"` });
  } else {
    reasons.push({ layer: 'name', decision: 'deny', rule: 'default: deny', source: 'default', message: `No allow rule matches "${qualified}" (default deny)` });
  }
  const bashOnly = compiled.policy.bashOnly;
  if (bashOnly.value && server.policy.kind !== 'shell') {
    reasons.push({
      layer: 'name',
      decision: 'deny',
      rule: 'bash_only: true',
      source: bashOnly.source,
      message: `Only shell tools are exposed to this agent (bash_only), and server "${server.id}" is of kind "${server.policy.kind}"`,
    });
  }
  return reasons;
}
