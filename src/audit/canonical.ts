// Canonical JSON and redaction for audit records: the digest must not depend on key order, and the
// log must not become the place where an agent's secrets end up. Both cover every own key the
// upstream receives, `__proto__` included: objects are read by Object.keys and built with a null
// prototype, never by assignment onto an ordinary object, which would turn `__proto__` into a
// prototype change and drop it from the digest and the log.
import { createHash } from 'node:crypto';

type Item = { value: unknown } | { leave: object } | string;

/**
 * JSON with object keys sorted at every depth, so equal arguments always hash the same and arguments
 * the upstream would read differently never do. Written without recursion, so no nesting depth
 * overflows the stack; throws on a cycle, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  const open = new Set<object>();
  const stack: Item[] = [{ value }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    if ('leave' in item) {
      open.delete(item.leave);
      continue;
    }
    const current = item.value;
    if (current === null || typeof current !== 'object') {
      out += JSON.stringify(current) ?? 'null';
      continue;
    }
    if (open.has(current)) throw new TypeError('Converting circular structure to JSON');
    open.add(current);
    stack.push({ leave: current });
    if (Array.isArray(current)) {
      stack.push(']');
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push({ value: serialisable(current[i]) ? current[i] : null });
        if (i > 0) stack.push(',');
      }
      stack.push('[');
    } else {
      const record = current as Record<string, unknown>;
      // As JSON.stringify does: members whose value JSON cannot hold are left out.
      const keys = Object.keys(record).sort().filter((key) => serialisable(record[key]));
      stack.push('}');
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: record[keys[i]!] });
        stack.push(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`);
      }
      stack.push('{');
    }
  }
  return out;
}

function serialisable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function digestArguments(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

const SECRET_KEY = /(pass(word|wd|phrase)?|secret|token|api[-_]?key|auth(orization)?|credential|private[-_]?key|cookie|session[-_]?id|bearer)/i;
const SECRET_VALUE = [
  /^(sk|pk|rk)-[A-Za-z0-9_-]{16,}$/, // OpenAI/Stripe-style keys
  /^gh[pousr]_[A-Za-z0-9]{20,}$/, // GitHub tokens
  /^github_pat_[A-Za-z0-9_]{20,}$/,
  /^xox[abposr]-[A-Za-z0-9-]{10,}$/, // Slack
  /^(AKIA|ASIA)[A-Z0-9]{16}$/, // AWS access key ids
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/, // JWTs
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^Bearer\s+\S{8,}$/i,
];
const MAX_LOGGED_STRING = 2000;
/**
 * Containers nested deeper than this are logged as a marker. The gateway refuses such calls anyway
 * (argument depth); the bound keeps the copy's recursion, and the sink's JSON.stringify, off the
 * stack limit for the record of the refusal itself.
 */
const MAX_LOGGED_DEPTH = 64;
const TOO_DEEP = `[nested deeper than ${MAX_LOGGED_DEPTH} levels]`;

/** A copy of `value` with secret-looking keys and values replaced by `[redacted]` and long strings cut. */
export function redact(value: unknown, key = ''): unknown {
  return redactAt(value, key, 0);
}

function redactAt(value: unknown, key: string, depth: number): unknown {
  if (key && SECRET_KEY.test(key) && value !== null && typeof value !== 'object') return '[redacted]';
  if (typeof value === 'string') {
    if (SECRET_VALUE.some((pattern) => pattern.test(value))) return '[redacted]';
    return value.length > MAX_LOGGED_STRING ? `${value.slice(0, MAX_LOGGED_STRING)}… [${value.length} chars]` : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_LOGGED_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => redactAt(item, key, depth + 1));
  // A null prototype: every key, `__proto__` included, is an own property of the copy.
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = redactAt(v, k, depth + 1);
  return out;
}
