// `store:` in gateway.yaml: file by default, postgres with a URL (usually ${DATABASE_URL}); the
// defaults it brings for the audit log; located errors for every mistake, never echoing a URL.
import { expect, test } from 'vitest';
import { AGENT, errors, load } from './helpers.js';

test('without store: the file store, the JSONL audit file, audit not required', () => {
  const config = load(AGENT);
  expect(config.store).toEqual({ kind: 'file' });
  expect(config.audit).toMatchObject({ path: '/project/audit.jsonl', jsonl: true, required: false });
});

test('postgres from ${DATABASE_URL}: audit required, the table alone unless audit.path is written', () => {
  const env = { DATABASE_URL: 'postgres://warden:s3cret@db.internal:5432/warden' };
  const config = load(`${AGENT}store: { kind: postgres, url: "\${DATABASE_URL}", pool_size: 4 }\n`, env);
  expect(config.store).toEqual({ kind: 'postgres', url: env.DATABASE_URL, poolSize: 4 });
  expect(config.audit).toMatchObject({ jsonl: false, required: true });

  const beside = load(`${AGENT}store: { kind: postgres, url: "\${DATABASE_URL}" }\naudit: { path: ./a.jsonl, required: false }\n`, env);
  expect(beside.store).toMatchObject({ poolSize: 10 });
  expect(beside.audit).toMatchObject({ path: '/project/a.jsonl', jsonl: true, required: false });
});

test.each([
  ['store: { kind: postgres, url: "${DATABASE_URL}" }', {}, 'gateway.yaml:5:31 store.url: Environment variable "DATABASE_URL" is not set; set it or write "${DATABASE_URL:-default}" to give a default'],
  ['store: { kind: postgres }', {}, 'gateway.yaml:5:16 store.kind: The postgres store needs "url", e.g. url: ${DATABASE_URL}'],
  ['store: { kind: postgres, url: "mysql://u:hunter2@h/db" }', {}, 'gateway.yaml:5:31 store.url: Invalid PostgreSQL URL: the scheme is "mysql"; write postgres://USER:PASSWORD@HOST:PORT/DATABASE'],
  ['store: { kind: postgres, url: "not a url hunter2" }', {}, 'gateway.yaml:5:31 store.url: Invalid PostgreSQL URL; write postgres://USER:PASSWORD@HOST:PORT/DATABASE'],
  ['store: { kind: file, url: "postgres://h/db" }', {}, 'gateway.yaml:5:27 store.url: "url" is only for kind "postgres"; remove it or set kind: postgres'],
  ['store: { kind: redis }', {}, 'gateway.yaml:5:16 store.kind: Invalid value "redis"; expected one of "file", "postgres"'],
  ['store: { kind: postgres, url: "postgres://h/db", pool_size: 0 }', {}, 'gateway.yaml:5:61 store.pool_size: Must be at least 1'],
  ['store: { kind: postgres, url: "postgres://h/db", pool: 3 }', {}, 'gateway.yaml:5:50 store.pool: Unknown key "pool"; allowed keys are "kind", "url" and "pool_size"'],
])('%s is a located error', (line, env: Record<string, string>, expected) => {
  const message = errors(`${AGENT}${line}\n`, env);
  expect(message).toContain(expected);
  // A URL may carry a password: it is never printed back.
  expect(message).not.toContain('hunter2');
});
