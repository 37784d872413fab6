// Canonical JSON and redaction for audit records: the digest must not depend on key order, and the
// log must not become the place where an agent's secrets end up.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal arguments always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
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

/** A copy of `value` with secret-looking keys and values replaced by `[redacted]` and long strings cut. */
export function redact(value: unknown, key = ''): unknown {
  if (key && SECRET_KEY.test(key) && value !== null && typeof value !== 'object') return '[redacted]';
  if (typeof value === 'string') {
    if (SECRET_VALUE.some((pattern) => pattern.test(value))) return '[redacted]';
    return value.length > MAX_LOGGED_STRING ? `${value.slice(0, MAX_LOGGED_STRING)}… [${value.length} chars]` : value;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, k);
    return out;
  }
  return value;
}
