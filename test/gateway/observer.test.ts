import { describe, expect, it } from 'vitest';
import { fanOut, observedSink, type GatewayObserver } from '../../src/gateway/observer.js';
import type { AuditRecord, AuditSink } from '../../src/audit/types.js';

const record = { decision_id: 'd1', tool: 'fs/read_file', decision: 'allow' } as AuditRecord;

describe('observer seam', () => {
  it('tells every observer, even after one throws', () => {
    const seen: string[] = [];
    const throwing: GatewayObserver = { record: () => { throw new Error('bug'); } };
    const counting: GatewayObserver = { record: (r) => seen.push(r.decision_id), session: (e) => seen.push(e.type) };
    const both = fanOut([throwing, undefined, counting]);
    both.record!(record);
    both.session!({ type: 'opened', agent: 'a', session: 's', at: 1 });
    expect(seen).toEqual(['d1', 'opened']);
  });

  it('observedSink tells the observer and still stores the record', async () => {
    const stored: AuditRecord[] = [];
    const sink: AuditSink = { write: async (r) => void stored.push(r), close: async () => {} };
    const told: AuditRecord[] = [];
    const wrapped = observedSink(sink, { record: (r) => told.push(r) });
    await wrapped.write(record);
    expect(told).toEqual([record]);
    expect(stored).toEqual([record]);
    expect(observedSink(sink, undefined)).toBe(sink);
  });
});
