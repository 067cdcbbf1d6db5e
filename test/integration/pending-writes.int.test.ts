import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PendingWrites } from '../../src/db/pending-writes.js';
import { planStateUpdate } from '../../src/db/repositories/lifecycle.repository.js';
import { appendPlanChanges } from '../../src/db/repositories/plan-changes.repository.js';
import { planInsert } from '../../src/db/repositories/plans.repository.js';
import { createTestApp, type TestApp, uniqueOrganisation } from '../helpers/app.js';
import { planRow } from '../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('PendingWrites', () => {
  it('sends every pending write with the change-feed append as one statement, and returns the ids in order', async () => {
    const organisation = await uniqueOrganisation(t.deps);
    const first = planRow(organisation, 'PW-1');
    const second = planRow(organisation, 'PW-2');
    const statements: string[] = [];
    const appended = await t.deps.db.transaction().execute(async (trx) => {
      const pending = new PendingWrites();
      pending.add(planInsert(first), planInsert(second), undefined);
      const changes = [first, second].map((plan) => ({
        planId: plan.id,
        organisation,
        version: 0,
        kind: 'plan_created',
        status: 'draft',
        at: new Date(),
      }));
      // The plans the changes refer to are in the same statement: the foreign keys hold at its end.
      const spy = trx.withPlugin({
        transformQuery: (args) => args.node,
        // Called once for each statement sent.
        transformResult: async (args) => {
          statements.push(args.queryId.queryId);
          return args.result;
        },
      });
      return appendPlanChanges(spy, pending, changes);
    });
    expect(statements).toHaveLength(1);
    expect(appended.map((c) => c.planId)).toEqual([first.id, second.id]);
    expect(BigInt(appended[0]!.id)).toBeLessThan(BigInt(appended[1]!.id));
    const stored = await t.deps.db
      .selectFrom('plans')
      .select('source_plan_id')
      .where('organisation', '=', organisation)
      .orderBy('source_plan_id')
      .execute();
    expect(stored.map((p) => p.source_plan_id)).toEqual(['PW-1', 'PW-2']);
  });

  it('stores nothing of the batch when one of its writes fails', async () => {
    const organisation = await uniqueOrganisation(t.deps);
    const plan = planRow(organisation, 'PW-3');
    const attempt = t.deps.db.transaction().execute(async (trx) => {
      const pending = new PendingWrites();
      // The second insert of the same source key breaks plans_source_key.
      pending.add(planInsert(plan), planInsert({ ...plan, id: randomUUID() }));
      await pending.flush(trx);
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505', constraint: 'plans_source_key' });
    const stored = await t.deps.db
      .selectFrom('plans')
      .select('id')
      .where('organisation', '=', organisation)
      .execute();
    expect(stored).toEqual([]);
  });

  it('flushes what is left when nothing is appended, and sends nothing when nothing is pending', async () => {
    const organisation = await uniqueOrganisation(t.deps);
    const plan = planRow(organisation, 'PW-4');
    await t.deps.db.transaction().execute(async (trx) => {
      const pending = new PendingWrites();
      pending.add(planInsert(plan));
      expect(await appendPlanChanges(trx, pending, [])).toEqual([]);
      pending.add(planStateUpdate(plan.id, { status: 'established', updated_at: new Date() }));
      await pending.flush(trx);
      expect(await pending.flush(trx)).toEqual([]);
    });
    const stored = await t.deps.db
      .selectFrom('plans')
      .select('status')
      .where('id', '=', plan.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('established');
  });
});
