// The PostgreSQL audit sink on a real PostgreSQL: append-only rows with the record whole and its
// indexed columns, one row per write, batched per event-loop turn; with the JSONL file beside it;
// and what a failed write means with and without audit.required.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createJsonlSink } from '../../src/audit/jsonl-sink.js';
import { teeSink } from '../../src/audit/tee-sink.js';
import type { AuditRecord } from '../../src/audit/types.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { createDatabase, describeWithPostgres, startPostgres, type RunningPostgres } from '../support/postgres.js';

let server: RunningPostgres;
let databases = 0;

function record(n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    time: new Date(Date.UTC(2026, 10, 29, 10, 0, 0, n)).toISOString(),
    decision_id: `call-${n}`,
    event: 'call',
    agent: n % 2 ? 'ci' : 'claude-code',
    environment: 'prod',
    session: 's1',
    tool: 'fs/read_file',
    args_sha256: 'a'.repeat(64),
    args: { path: `notes/${n}.md` },
    decision: 'allow',
    reasons: [],
    outcome: 'ok',
    duration_ms: 1.5,
    ...overrides,
  };
}

async function withStore<T>(fn: (store: PostgresStore) => Promise<T>): Promise<T> {
  const store = openPostgresStore({ url: await createDatabase(server, `audit${++databases}`), backoffMs: { min: 50, max: 100 } });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describeWithPostgres('PostgreSQL audit sink', () => {
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  test('each write is one row, stored before it resolves, with the record whole and its columns', async () => {
    await withStore(async (store) => {
      const sink = store.auditSink();
      await sink.write(record(1, { decision: 'deny', outcome: 'denied', tool: 'shell/run' }));
      const { rows } = await store.connection.query<{ time: Date; agent: string; tool: string; decision: string; outcome: string; decision_id: string; replica: string; record: AuditRecord }>(
        'SELECT time, agent, tool, decision, outcome, decision_id, replica, record FROM warden_audit',
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ agent: 'ci', tool: 'shell/run', decision: 'deny', outcome: 'denied', decision_id: 'call-1', replica: store.tickets.lease.id });
      expect(rows[0]!.time.toISOString()).toBe(record(1).time);
      expect(rows[0]!.record).toEqual(record(1, { decision: 'deny', outcome: 'denied', tool: 'shell/run' }));
      await sink.close();
    });
  });

  test('many writes at once: every record stored exactly once; the rate is printed', async () => {
    await withStore(async (store) => {
      const sink = store.auditSink();
      await sink.write(record(0)); // schema and first connection out of the measurement
      const count = 5_000;
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: count }, (_, i) => sink.write(record(i + 1))));
      const seconds = (performance.now() - started) / 1000;
      console.log(`PostgreSQL audit sink: ${count} records in ${seconds.toFixed(2)} s, ${Math.round(count / seconds)} records/s`);
      expect(results.every((r) => r === undefined)).toBe(true);
      const { rows } = await store.connection.query<{ n: string; distinct_ids: string }>('SELECT count(*) AS n, count(DISTINCT decision_id) AS distinct_ids FROM warden_audit');
      expect(rows[0]).toEqual({ n: String(count + 1), distinct_ids: String(count + 1) });
      await sink.close();
    });
  });

  test('with the JSONL file beside it, both hold every record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-pg-audit-'));
    try {
      await withStore(async (store) => {
        const sink = teeSink(store.auditSink(), createJsonlSink(join(dir, 'audit.jsonl')));
        await Promise.all([sink.write(record(1)), sink.write(record(2))]);
        await sink.close();
        const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n');
        expect(lines.map((line) => (JSON.parse(line) as AuditRecord).decision_id).sort()).toEqual(['call-1', 'call-2']);
        const { rows } = await store.connection.query('SELECT 1 FROM warden_audit');
        expect(rows).toHaveLength(2);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a failed write: required reports it to the pipeline; not required only logs it', async () => {
    const outage = await startPostgres();
    const store = openPostgresStore({ url: outage.url, backoffMs: { min: 50, max: 100 } });
    const errors: string[] = [];
    try {
      const required = store.auditSink({ onError: (e) => errors.push(e.message) });
      const optional = store.auditSink({ required: false, onError: (e) => errors.push(e.message) });
      expect(await required.write(record(1))).toBeUndefined();
      await required.admit!();
      await outage.stop();
      const failure = await required.write(record(2));
      expect(failure).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(failure?.message).toMatch(/^audit store unreachable: /);
      await expect(required.admit!()).rejects.toThrow(/^audit store unreachable: /);
      expect(await optional.write(record(3))).toBeUndefined();
      await optional.admit!(); // not required: every call is admitted
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatch(/^1 record not stored: audit store unreachable: /);
      await required.close();
      await optional.close();
    } finally {
      await store.close();
      await outage.close();
    }
  }, 60_000);
});
