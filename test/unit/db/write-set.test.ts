import { describe, expect, it } from 'vitest';
import { WriteSet } from '../../../src/db/write-set.js';
import { deleteRows, insertRows, updateRows, upsertRows, type Write } from '../../../src/db/writes.js';

const insertPlans = insertRows('plans', ['id', 'status', 'updated_at'], { key: ['id'] });
const updateStates = updateRows('plans', 'id', ['status']);
const updateOther = updateRows('plans', 'id', ['law']);
const insertChanges = insertRows('plan_changes', ['plan_id', 'kind']);
const upsertOverdue = upsertRows('plan_overdue', ['plan_id', 'reason'], ['plan_id', 'reason', 'due_on']);
const deleteOverdue = deleteRows('plan_overdue', ['plan_id', 'reason']);

function merged(
  ...writes: Array<Write | undefined>
): Array<{ table: string; kind: string; rows: unknown[] }> {
  const set = new WriteSet();
  for (const write of writes) if (write) set.add(write);
  return set.take().map((w) => ({ table: w.writer.table, kind: w.writer.kind, rows: [...w.rows] }));
}

describe('WriteSet: writes merged so one statement touches each row once', () => {
  it('appends rows of one writer as one write, in the order added, after the writers in order of first use', () => {
    expect(
      merged(
        insertChanges([{ plan_id: 'a', kind: 'plan_created' }]),
        insertPlans([{ id: 'a', status: 'draft', updated_at: 't0' }]),
        insertChanges([
          { plan_id: 'a', kind: 'status_changed' },
          { plan_id: 'a', kind: 'overdue' },
        ]),
      ),
    ).toEqual([
      {
        table: 'plan_changes',
        kind: 'insert',
        rows: [
          { plan_id: 'a', kind: 'plan_created' },
          { plan_id: 'a', kind: 'status_changed' },
          { plan_id: 'a', kind: 'overdue' },
        ],
      },
      { table: 'plans', kind: 'insert', rows: [{ id: 'a', status: 'draft', updated_at: 't0' }] },
    ]);
  });

  it('folds an update into the pending insert of its row, and a second update into the first', () => {
    expect(
      merged(
        insertPlans([
          { id: 'a', status: 'draft', updated_at: 't0' },
          { id: 'b', status: 'draft', updated_at: 't0' },
        ]),
        updateStates([{ id: 'a', status: 'signed' }]),
        updateStates([{ id: 'c', status: 'signed' }]),
        updateStates([{ id: 'c', status: 'submitted' }]),
      ),
    ).toEqual([
      {
        table: 'plans',
        kind: 'insert',
        rows: [
          { id: 'a', status: 'signed', updated_at: 't0' },
          { id: 'b', status: 'draft', updated_at: 't0' },
        ],
      },
      { table: 'plans', kind: 'update', rows: [{ id: 'c', status: 'submitted' }] },
    ]);
  });

  it('refuses to hold two writes of one row it cannot merge, rather than send one that would be lost', () => {
    const set = new WriteSet();
    set.add(updateStates([{ id: 'a', status: 'signed' }]));
    // The pending update sets only the state: the law has nowhere to go.
    expect(() => set.add(updateOther([{ id: 'a', law: 'SoL' }]))).toThrow(/plans row that cannot be merged/);
    const overdue = new WriteSet();
    overdue.add(upsertOverdue([{ plan_id: 'a', reason: 'r', due_on: '2025-01-01' }]));
    expect(() =>
      overdue.add(
        insertRows('plan_overdue', ['plan_id', 'reason'], { key: ['plan_id', 'reason'] })([
          { plan_id: 'a', reason: 'r' },
        ]),
      ),
    ).toThrow(/plan_overdue row that cannot be merged/);
  });

  it('keeps the last upsert of a row, lets a delete drop it but stay, and lets an upsert cancel a delete', () => {
    const r = (reason: string, due_on = '2025-01-01') => ({ plan_id: 'a', reason, due_on });
    expect(
      merged(
        upsertOverdue([r('moved'), r('cleared'), r('back')]),
        upsertOverdue([r('moved', '2025-02-01')]),
        deleteOverdue([
          { plan_id: 'a', reason: 'cleared' },
          { plan_id: 'a', reason: 'back' },
          { plan_id: 'a', reason: 'stored' },
        ]),
        upsertOverdue([r('back', '2025-03-01')]),
      ),
    ).toEqual([
      { table: 'plan_overdue', kind: 'upsert', rows: [r('moved', '2025-02-01'), r('back', '2025-03-01')] },
      {
        table: 'plan_overdue',
        kind: 'delete',
        rows: [
          { plan_id: 'a', reason: 'cleared' },
          { plan_id: 'a', reason: 'stored' },
        ],
      },
    ]);
  });

  it('tells rows apart by every key column, and is empty once taken', () => {
    const set = new WriteSet();
    set.add(upsertOverdue([{ plan_id: 'a', reason: 'r', due_on: '1' }]));
    set.add(upsertOverdue([{ plan_id: 'b', reason: 'r', due_on: '2' }]));
    expect(set.take()[0]!.rows).toHaveLength(2);
    expect(set.take()).toEqual([]);
  });
});
