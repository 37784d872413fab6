// cross-server-reference: one server's text that names another server's tools or tells the model how
// to use tools it does not offer — shadowing (Invariant Labs: an `add` tool whose description makes
// send_email bcc the attacker; a tool that changes WhatsApp's send_message recipient). A server has
// no business describing another's tools, so naming one is the finding: `other/tool`, the exposed
// `other_tool` (and clients' `mcp__other__tool`), a distinctive tool name only another server has,
// the other server by id next to "tool" or "server", or "when the X tool is called…" for any X the
// server does not have itself.
import { originRange, quoted, type Rule, type RuleContext, type RuleInput, type RuleHit } from './rule.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const NOT_NAME = String.raw`(?![a-z0-9_-])`;
const NOT_AFTER_NAME = String.raw`(?<![a-z0-9_-])`;
/** Words that may stand where a tool name would, in "when the X tool is called", and are not one. */
const GENERIC = new Set(['this', 'that', 'it', 'the', 'a', 'an', 'any', 'each', 'every', 'one', 'tool', 'function', 'server', 'operation', 'request', 'command', 'method', 'call', 'query', 'action', 'same', 'current', 'above', 'following', 'next', 'previous', 'first', 'second', 'user', 'model', 'assistant', 'agent']);

/** A tool name that would not turn up in prose by chance: several words joined, and not short. */
function distinctive(name: string): boolean {
  return name.length >= 6 && (/[_-]/.test(name.slice(1, -1)) || /[a-z][A-Z]/.test(name));
}

/** The compiled patterns per server scope, cached: a list has many entities and fields. */
const CACHE = new WeakMap<RuleContext['scope'], Array<{ pattern: RegExp; message: (match: RegExpExecArray) => string | undefined }>>();

function patternsFor(context: RuleContext) {
  const cached = CACHE.get(context.scope);
  if (cached) return cached;
  const patterns: Array<{ pattern: RegExp; message: (match: RegExpExecArray) => string | undefined }> = [];
  const own = new Set([...context.scope.ownNames].map((name) => name.toLowerCase()));
  for (const server of context.scope.otherServers) {
    const id = escape(server.toLowerCase());
    const tools = (context.scope.otherTools.get(server) ?? []).map((tool) => tool.toLowerCase());
    const anyTool = tools.length === 0;
    patterns.push({
      pattern: new RegExp(String.raw`(?<![a-z0-9_./-])${id}\s*/\s*([a-z0-9][\w.-]*|\*)`, 'g'),
      message: (m) => (anyTool || m[1] === '*' || tools.includes(m[1]!.replace(/[.-]+$/, '')) ? `names "${server}/${m[1]!.replace(/[.-]+$/, '')}", a tool of server "${server}"` : undefined),
    });
    if (tools.length > 0) {
      patterns.push({
        pattern: new RegExp(String.raw`${NOT_AFTER_NAME}(?:mcp_+)?${id}_+(${tools.map(escape).join('|')})${NOT_NAME}`, 'g'),
        message: (m) => `names "${m[0]}", tool "${m[1]}" of server "${server}"`,
      });
    }
    // "Echo Tool" in the title of a server's own `echo` tool is that tool, not a server named echo.
    if (!own.has(server.toLowerCase())) patterns.push({
      pattern: new RegExp(String.raw`(?<![a-z0-9-])${id}(?![a-z0-9-])(?:'s)?\s+(?:mcp\s+)?(?:tools?|server|functions?|integration)\b|\b(?:tools?|functions?)\s+(?:from|of|on|in|provided\s+by)\s+(?:the\s+)?${id}(?![a-z0-9-])`, 'g'),
      message: () => `refers to the tools of server "${server}"`,
    });
    const names = tools.filter((tool) => distinctive(tool) && !own.has(tool));
    if (names.length > 0) {
      patterns.push({
        pattern: new RegExp(String.raw`${NOT_AFTER_NAME}(${names.map(escape).join('|')})${NOT_NAME}`, 'g'),
        message: (m) => `names "${m[1]}", a tool of server "${server}" that this server does not have`,
      });
    }
  }
  patterns.push({
    pattern: /\bwhen(?:ever)?\s+(?:the\s+)?(?:\([^()]{0,40}\)\s*)?[`'"]?([a-z][\w.-]*)[`'"]?\s+(tool\s+|function\s+)?(?:is|gets|has\s+been|was)\s+(?:used|called|invoked|run|executed|available|present)\b/g,
    // Only what reads as a tool's name ("send_email", "the transfer tool"): "when pagination is used" is not one.
    message: (m) => (GENERIC.has(m[1]!) || own.has(m[1]!) || (!m[2] && !/[_-]/.test(m[1]!)) ? undefined : `tells the model how to use "${m[1]}", which is not a tool of this server`),
  });
  patterns.push({
    pattern: /\bside\s+effects?\s+on\s+(?:the\s+)?(?:also\s+present\s+)?(?:other\s+)?[`'"]?[a-z][\w-]*/g,
    message: () => 'claims a side effect on another tool',
  });
  patterns.push({
    pattern: /\b(?:all|any|every)\s+other\s+(?:mcp\s+)?tools?\s+(?:must|should|shall|need\s+to|have\s+to|are\s+required\s+to)\b|\b(?:when|whenever|if)\s+(?:you\s+)?(?:use|call|invoke|using|calling|invoking)\s+(?:any|all|every)?\s*other\s+(?:mcp\s+)?tools?\b/g,
    message: () => 'tells the model how to use other tools',
  });
  CACHE.set(context.scope, patterns);
  return patterns;
}

/** The entity's own parameter names (top level): "when dry_run is used" speaks of a parameter, not a tool. */
function ownParameters(context: RuleContext): Set<string> {
  const definition = context.entity.definition as { inputSchema?: { properties?: unknown } } | null;
  const properties = typeof definition === 'object' && definition !== null ? definition.inputSchema?.properties : undefined;
  return new Set(typeof properties === 'object' && properties !== null ? Object.keys(properties).map((name) => name.toLowerCase()) : []);
}

function check(input: RuleInput, context: RuleContext): RuleHit | undefined {
  const text = input.normalised.text;
  let best: { index: number; length: number; message: string } | undefined;
  for (const { pattern, message } of patternsFor(context)) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      if (best && match.index >= best.index) break;
      const said = ownParameters(context).has(match[1] ?? '') ? undefined : message(match);
      if (said) {
        best = { index: match.index, length: match[0].length, message: said };
        break;
      }
      if (match[0].length === 0) pattern.lastIndex += 1;
    }
  }
  if (!best) return undefined;
  const quote = text.slice(best.index, best.index + best.length);
  return { message: `Reaches across servers: ${best.message} (${quoted(quote)})`, ...originRange(input, best.index, best.length) };
}

export const crossServerReference: Rule = { name: 'cross-server-reference', roles: ['prose', 'value'], check };
