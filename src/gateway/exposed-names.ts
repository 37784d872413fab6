// Exposed tool names: what an agent sees instead of `server/tool`. They must be accepted by every
// client, including Claude Code, which prefixes `mcp__<server-name>__` and rejects anything past 64
// characters or outside [a-zA-Z0-9_-]; so we keep a budget for that prefix and never collide.
import { createHash } from 'node:crypto';

/** Room left for a client's own prefix: `mcp__` + a server name of up to 14 characters + `__`. */
export const EXPOSED_NAME_BUDGET = 43;

const VALID = /^[a-zA-Z0-9_-]{1,64}$/;

export interface QualifiedTool {
  server: string;
  tool: string;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

function sanitize(value: string): string {
  return value.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function withHash(base: string, key: string): string {
  const suffix = `_${shortHash(key)}`;
  return base.slice(0, EXPOSED_NAME_BUDGET - suffix.length) + suffix;
}

/**
 * Assigns every `server/tool` an exposed name, deterministically: the same set of tools always gets
 * the same names, whatever order the upstreams answered in. Names that would collide or exceed the
 * budget get a stable hash suffix of their qualified name.
 */
export function assignExposedNames(
  tools: readonly QualifiedTool[],
  mode: 'prefixed' | 'passthrough' = 'prefixed',
): Map<string, QualifiedTool> {
  const sorted = [...tools].sort((a, b) => byCodeUnits(keyOf(a), keyOf(b)));
  const wanted = new Map<string, QualifiedTool[]>();
  for (const entry of sorted) {
    const name = mode === 'passthrough' ? entry.tool : `${sanitize(entry.server)}_${sanitize(entry.tool)}`;
    const group = wanted.get(name) ?? [];
    group.push(entry);
    wanted.set(name, group);
  }
  const result = new Map<string, QualifiedTool>();
  for (const [name, group] of wanted) {
    const fits = group.length === 1 && name.length <= EXPOSED_NAME_BUDGET && VALID.test(name);
    if (fits && mode === 'passthrough') {
      result.set(name, group[0]!);
      continue;
    }
    for (const entry of group) {
      let final = fits ? name : withHash(sanitize(name), keyOf(entry));
      // A hashed name could equal another tool's plain name; salt the hash until it is unique.
      for (let salt = 1; result.has(final) || (final !== name && wanted.has(final)); salt += 1) {
        final = withHash(sanitize(name), `${keyOf(entry)}#${salt}`);
      }
      result.set(final, entry);
    }
  }
  return result;
}

function keyOf(entry: QualifiedTool): string {
  return `${entry.server}/${entry.tool}`;
}

/**
 * Orders strings by UTF-16 code units. Not localeCompare: its order follows the machine's locale, so
 * two gateways could give a colliding name's suffix to different tools, and it loads ICU's collation
 * data (measured: 2.6 MB of RSS) just to sort.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
