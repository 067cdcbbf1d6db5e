import { describe, expect, it } from 'vitest';
import type { NewAuditEntry } from '../../../src/db/repositories/audit.repository.js';
import { auditBatch } from '../../../src/http/audit/audit-batch.js';

const entry = (requestId: string): NewAuditEntry => ({
  at: new Date('2026-01-01T00:00:00Z'),
  clientId: null,
  organisation: '1880',
  action: 'status.read',
  planId: null,
  version: null,
  requestId,
  status: 200,
  outcome: 'success',
  details: {},
});

/** An insert that records each call's request ids and commits only when the test says so. */
function controlledInsert(refuse: (e: NewAuditEntry) => boolean = () => false) {
  const calls: string[][] = [];
  const commits: (() => void)[] = [];
  const insert = (entries: NewAuditEntry[]) => {
    calls.push(entries.map((e) => e.requestId));
    return new Promise<void>((resolve, reject) => {
      commits.push(() => (entries.some(refuse) ? reject(new Error('refused')) : resolve()));
    });
  };
  const commitNext = async () => {
    commits.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { insert, calls, commitNext };
}

describe('audit batch', () => {
  it('writes a lone entry at once, gathers the entries that come meanwhile into the next INSERT', async () => {
    const db = controlledInsert();
    const batch = auditBatch(db.insert);
    const settled: string[] = [];
    const record = (id: string) => batch.record(entry(id)).then(() => settled.push(id));
    void record('a');
    expect(db.calls).toEqual([['a']]);
    void record('b');
    void record('c');
    expect(db.calls).toEqual([['a']]);
    await db.commitNext();
    expect(settled).toEqual(['a']);
    expect(db.calls).toEqual([['a'], ['b', 'c']]);
    await db.commitNext();
    expect(settled).toEqual(['a', 'b', 'c']);
  });

  it('resolves no entry before its INSERT commits', async () => {
    const db = controlledInsert();
    const batch = auditBatch(db.insert);
    let done = false;
    void batch.record(entry('a')).then(() => {
      done = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    await db.commitNext();
    expect(done).toBe(true);
  });

  it('writes a failed batch again entry by entry: only the refused entry fails', async () => {
    const db = controlledInsert((e) => e.requestId === 'bad');
    const batch = auditBatch(db.insert);
    const outcomes: Record<string, string> = {};
    const record = (id: string) =>
      batch.record(entry(id)).then(
        () => (outcomes[id] = 'committed'),
        () => (outcomes[id] = 'failed'),
      );
    void record('first');
    void record('ok1');
    void record('bad');
    void record('ok2');
    await db.commitNext(); // ['first']
    await db.commitNext(); // ['ok1', 'bad', 'ok2'] fails
    expect(db.calls.slice(2)).toEqual([['ok1'], ['bad'], ['ok2']]);
    await db.commitNext();
    await db.commitNext();
    await db.commitNext();
    expect(outcomes).toEqual({ first: 'committed', ok1: 'committed', bad: 'failed', ok2: 'committed' });
  });
});
