// The scanner: every string an upstream shows the model, read by every rule that applies to it.
// Pure — entities in, findings out — so the gateway can run it on each list and `tools --scan` on
// demand. One finding per rule per field: the first sign, quoted, is enough to act on.
import { entityFields, type ScanField } from './fields.js';
import { normalise } from './normalise.js';
import type { Rule, RuleContext, ServerScope } from './rules/rule.js';
import { RULES } from './rules/index.js';
import type { ScanEntity, ScanFinding } from './types.js';
import { showInvisible } from './unicode.js';

/** Rules read at most this much of one string (bounding the scan's cost); longer text is an `oversized` finding anyway. */
export const MAX_READ = 32_000;
/** Rules read at most this much of one entity in all: a definition padded with thousands of strings must not stall a list. */
export const ENTITY_BUDGET = 256_000;
const EXCERPT_CONTEXT = 40;

/** What the scan needs besides the entities: every configured server's id (for references to them). */
export interface ScanContext {
  serverIds: readonly string[];
}

/**
 * The findings for `entities`. `context.serverIds` names every server, so that a reference to a
 * server with nothing in this scan is still found; tools of other servers are taken from `entities`.
 */
export function scanEntities(entities: readonly ScanEntity[], context: ScanContext = { serverIds: [] }): ScanFinding[] {
  const scopes = serverScopes(entities, context);
  const findings: ScanFinding[] = [];
  for (const entity of entities) {
    const ruleContext: RuleContext = { entity, scope: scopes.get(entity.server)! };
    const walk = entityFields(entity);
    let budget = ENTITY_BUDGET;
    for (const field of walk.fields) {
      if (budget <= 0) {
        walk.truncated ??= `more than ${ENTITY_BUDGET.toLocaleString('en-US')} characters`;
        break;
      }
      budget -= Math.min(field.text.length, MAX_READ);
      findings.push(...scanField(field, ruleContext, RULES));
    }
    if (walk.truncated) {
      findings.push(finding(entity, { rule: 'oversized', field: walk.truncatedAt ?? 'definition', message: `Is too large to read in full (${walk.truncated}); what was not read cannot be vouched for` }));
    }
  }
  return findings;
}

function serverScopes(entities: readonly ScanEntity[], context: ScanContext): Map<string, ServerScope> {
  const servers = [...new Set([...context.serverIds, ...entities.map((entity) => entity.server)])];
  const tools = new Map<string, string[]>();
  const names = new Map<string, Set<string>>();
  for (const entity of entities) {
    if (entity.kind === 'tool') tools.set(entity.server, [...(tools.get(entity.server) ?? []), entity.name]);
    if (entity.kind === 'tool' || entity.kind === 'prompt') names.set(entity.server, (names.get(entity.server) ?? new Set()).add(entity.name));
  }
  return new Map(
    servers.map((server) => {
      const others = servers.filter((other) => other !== server);
      const scope: ServerScope = {
        otherServers: others,
        otherTools: new Map(others.filter((other) => tools.has(other)).map((other) => [other, tools.get(other)!])),
        ownNames: names.get(server) ?? new Set(),
      };
      return [server, scope];
    }),
  );
}

function scanField(field: ScanField, context: RuleContext, rules: readonly Rule[]): ScanFinding[] {
  const applicable = rules.filter((rule) => rule.roles.includes(field.role));
  if (applicable.length === 0 || field.text.length === 0) return [];
  const read = field.text.length > MAX_READ ? field.text.slice(0, MAX_READ) : field.text;
  const input = { ...field, text: read, normalised: normalise(read) };
  const findings: ScanFinding[] = [];
  for (const rule of applicable) {
    // The oversized rule measures the whole text, not the part the phrase rules read.
    const hit = rule.check(rule.name === 'oversized' ? { ...input, text: field.text } : input, context);
    if (hit) findings.push(finding(context.entity, { rule: rule.name, field: field.field, message: hit.message, excerpt: excerpt(field.text, hit.start, hit.end) }));
  }
  return findings;
}

function finding(entity: ScanEntity, found: Pick<ScanFinding, 'rule' | 'field' | 'message' | 'excerpt'>): ScanFinding {
  return { kind: entity.kind, server: entity.server, name: entity.name, ...found };
}

/** The text around [start, end), shortened, on one line, invisible characters written as \u{…}. */
export function excerpt(text: string, start: number, end: number): string {
  const from = Math.max(0, start - EXCERPT_CONTEXT);
  const to = Math.min(text.length, Math.max(end, start + 1) + EXCERPT_CONTEXT, from + 240);
  // Never cut a surrogate pair in half: the excerpt would hold a lone surrogate.
  const safeFrom = from > 0 && /[\uDC00-\uDFFF]/.test(text[from]!) ? from - 1 : from;
  const safeTo = to < text.length && /[\uD800-\uDBFF]/.test(text[to - 1]!) ? to + 1 : to;
  const body = showInvisible(text.slice(safeFrom, safeTo)).replace(/\s+/g, ' ');
  return `${safeFrom > 0 ? '…' : ''}${body}${safeTo < text.length ? '…' : ''}`;
}
