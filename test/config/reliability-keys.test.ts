// The keys for the HTTP session cap's quiet period and the audit file's fsync.
import { expect, test } from 'vitest';
import { errors, load } from './helpers.js';

test('http.session_evict_after and audit.fsync are read', () => {
  const config = load(`
    agents:
      a: {}
    http: { session_evict_after: 90s }
    audit: { path: audit.jsonl, fsync: true }
  `);
  expect(config.http.sessionEvictAfterMs).toBe(90_000);
  expect(config.audit).toEqual({ path: '/project/audit.jsonl', jsonl: true, required: false, fsync: true });
});

test('a quiet period that is no duration, and an fsync that is no boolean, are refused where written', () => {
  expect(
    errors(`
      agents:
        a: {}
      http: { session_evict_after: soon }
      audit: { fsync: "yes" }
    `),
  ).toMatchInlineSnapshot(`
    "gateway.yaml:3:30 http.session_evict_after: Invalid duration "soon"; write a whole number with ms, s, m or h, like "500ms", "30s" or "2m"
    gateway.yaml:4:17 audit.fsync: Expected true or false, got "yes""
  `);
});
