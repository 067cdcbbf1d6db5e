import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db/database.js';
import { PendingWrites } from '../../src/db/pending-writes.js';
import { overdueWrites, planStateUpdate } from '../../src/db/repositories/lifecycle.repository.js';
import type { NewPlanChange } from '../../src/db/repositories/plan-changes.repository.js';
import { planInsert } from '../../src/db/repositories/plans.repository.js';
import type { PlanRow } from '../../src/db/schema.js';
import { createTestApp, type TestApp, uniqueOrganisation } from '../helpers/app.js';
import { planRow } from '../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The transaction, and the statements sent through it after BEGIN. */
async function inTransaction<T>(work: (trx: Tx, statements: string[]) => Promise<T>): Promise<[T, string[]]> {
  const statements: string[] = [];
  const result = await t.deps.db.transaction().execute((trx) =>
    work(
      trx.withPlugin({
        transformQuery: (args) => args.node,
        // Called once for each statement sent.
        transformResult: async (args) => {
          statements.push(args.queryId.queryId);
          return args.result;
        },
      }) as Tx,
      statements,
    ),
  );
  return [result, statements];
}

const change = (plan: PlanRow, kind: string, status = 'draft'): NewPlanChange => ({
  planId: plan.id,
  organisation: plan.organisation,
  version: 0,
  kind,
  status,
  at: new Date(),
});

async function storedChanges(plan: PlanRow) {
  return t.deps.db
    .selectFrom('plan_changes')
    .select(['id', 'kind', 'status'])
    .where('plan_id', '=', plan.id)
    .orderBy('id')
    .execute();
}

describe('PendingWrites', () => {
  it('sends the writes and change-feed rows of several steps as one statement, the rows of one plan merged', async () => {
    const organisation = await uniqueOrganisation(t.deps);
    const first = planRow(organisation, 'PW-1');
    const second = planRow(organisation, 'PW-2');
    const steps = [change(first, 'plan_created'), change(second, 'plan_created')];
    const later = [change(first, 'status_changed', 'established')];
    const [ids, statements] = await inTransaction(async (trx) => {
      const pending = new PendingWrites();
      pending.add(planInsert(first), planInsert(second), undefined);
      pending.appendChanges(steps);
      // A later step of the same transaction changes the state of a plan it has just inserted.
      pending.add(planStateUpdate(first.id, { status: 'established', updated_at: new Date() }));
      pending.appendChanges(later);
      return pending.changeIds(trx, [...steps, ...later]);
    });
    // The plans the changes refer to are in the same statement: the foreign keys hold at its end.
    expect(statements).toHaveLength(1);
    const stored = await t.deps.db
      .selectFrom('plans')
      .select(['source_plan_id', 'status'])
      .where('organisation', '=', organisation)
      .orderBy('source_plan_id')
      .execute();
    expect(stored).toEqual([
      { source_plan_id: 'PW-1', status: 'established' },
      { source_plan_id: 'PW-2', status: 'draft' },
    ]);
    expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
    expect((await storedChanges(first)).map((c) => [c.id, c.kind])).toEqual([
      [ids[0], 'plan_created'],
      [ids[2], 'status_changed'],
    ]);
  });

  it('writes what is pending for ids not known yet, and only then', async () => {
    const plan = planRow(await uniqueOrganisation(t.deps), 'PW-3');
    const [, statements] = await inTransaction(async (trx) => {
      const pending = new PendingWrites();
      pending.add(planInsert(plan));
      const created = change(plan, 'plan_created');
      pending.appendChanges([created]);
      const [id] = await pending.changeIds(trx, [created]);
      expect(await pending.changeIds(trx, [created])).toEqual([id]);
      // After the ids were taken, the plan row is stored: a later state change is an update of its own.
      pending.add(planStateUpdate(plan.id, { status: 'established', updated_at: new Date() }));
      await pending.flush(trx);
      await pending.flush(trx);
      await expect(pending.changeIds(trx, [change(plan, 'other')])).rejects.toThrow(/not appended here/);
    });
    // The insert with the change (for its id), the update; nothing for the empty flush.
    expect(statements).toHaveLength(2);
    const stored = await t.deps.db.selectFrom('plans').select('status').where('id', '=', plan.id).execute();
    expect(stored).toEqual([{ status: 'established' }]);
  });

  it("nets out one plan's overdue reasons across steps: the last write of a reason is what is stored", async () => {
    const plan = planRow(await uniqueOrganisation(t.deps), 'PW-4');
    const reason = (code: string, dueOn: string) => ({ code, dueOn, overdueSince: dueOn }) as never;
    const at = new Date();
    await inTransaction(async (trx) => {
      const pending = new PendingWrites();
      pending.add(
        planInsert(plan),
        ...overdueWrites(plan.id, { became: [reason('a', '2025-01-01')], cleared: [] }, at),
      );
      await pending.flush(trx);
      // One step: a appears again with a new deadline, b appears; the next: b clears, c appears.
      pending.add(
        ...overdueWrites(
          plan.id,
          { became: [reason('a', '2025-02-01'), reason('b', '2025-01-01')], cleared: [] },
          at,
        ),
        ...overdueWrites(
          plan.id,
          { became: [reason('c', '2025-03-01')], cleared: [reason('b', '2025-01-01')] },
          at,
        ),
      );
      await pending.flush(trx);
    });
    const stored = await t.deps.db
      .selectFrom('plan_overdue')
      .select(['reason', sql<string>`due_on::text`.as('due_on')])
      .where('plan_id', '=', plan.id)
      .orderBy('reason')
      .execute();
    expect(stored).toEqual([
      { reason: 'a', due_on: '2025-02-01' },
      { reason: 'c', due_on: '2025-03-01' },
    ]);
  });

  it('stores nothing of the batch when one of its writes fails', async () => {
    const organisation = await uniqueOrganisation(t.deps);
    const plan = planRow(organisation, 'PW-5');
    const attempt = t.deps.db.transaction().execute(async (trx) => {
      const pending = new PendingWrites();
      // The second insert of the same source key breaks plans_source_key.
      pending.add(planInsert(plan), planInsert({ ...plan, id: randomUUID() }));
      pending.appendChanges([change(plan, 'plan_created')]);
      await pending.flush(trx);
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505', constraint: 'plans_source_key' });
    const stored = await t.deps.db
      .selectFrom('plans')
      .select('id')
      .where('organisation', '=', organisation)
      .execute();
    expect(stored).toEqual([]);
    expect(await storedChanges(plan)).toEqual([]);
  });
});
