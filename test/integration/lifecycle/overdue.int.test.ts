import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanOverdue } from '../../../src/services/overdue.service.js';
import {
  createLifecycleApp,
  draftOf,
  type Json,
  type LifecycleTestApp,
  managerSigns,
  organisationOf,
  personSigns,
} from './support.js';

let t: LifecycleTestApp;
beforeAll(async () => {
  t = await createLifecycleApp('2025-01-10T10:00:00+01:00');
});
afterAll(async () => {
  await t.close();
});

const overdueEvents = (feed: Json[]) =>
  feed.filter((c) => c.kind === 'overdue').map((c) => `${c.detail.change}:${c.detail.reason}:${c.planId}`);

describe('overdue plans', () => {
  it('lists overdue plans per unit with the reason, and filters the plan list', async () => {
    const o = await organisationOf(t);
    const south = await o.push(draftOf(o.plan('O-S1')));
    const north = draftOf(o.plan('O-N1'));
    north.plan.unit = { id: 'HT-NORR', name: 'Hemtjänsten Norr' };
    const northPlan = await o.push(north);
    const onTime = draftOf(o.plan('O-LATER'));
    onTime.dates = { ...onTime.dates, interventionStart: '2025-01-20' };
    await o.push(onTime);

    t.at('2025-01-22T09:00:00+01:00');
    await scanOverdue(t.ctx());
    const listed = await o.ok('GET', '/v1/compliance/overdue');
    const reason = { code: 'not_established_in_time', dueOn: '2025-01-21', overdueSince: '2025-01-22' };
    expect(listed.units).toEqual([
      {
        unitId: 'HT-NORR',
        plans: [expect.objectContaining({ id: northPlan.id, sourcePlanId: 'O-N1', reasons: [reason] })],
      },
      {
        unitId: 'HT-SODER',
        plans: [expect.objectContaining({ id: south.id, status: 'draft', reasons: [reason] })],
      },
    ]);
    const overdue = await o.ok('GET', '/v1/plans?overdue=true');
    expect(overdue.items.map((p: Json) => p.sourcePlanId).sort()).toEqual(['O-N1', 'O-S1']);
    const notOverdue = await o.ok('GET', '/v1/plans?overdue=false');
    expect(notOverdue.items.map((p: Json) => p.sourcePlanId)).toEqual(['O-LATER']);
    expect((await o.request('GET', '/v1/plans?overdue=maybe')).status).toBe(400);
  });

  it('emits each became and cleared event once, with two scanners running at the same time', async () => {
    const o = await organisationOf(t);
    t.at('2025-01-10T10:00:00+01:00');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await o.push(draftOf(o.plan(`O-C${i}`)))).id);

    const twoScans = async (today: string) => {
      const reports = await Promise.all([scanOverdue(t.ctx(), today, 3), scanOverdue(t.ctx(), today, 5)]);
      return reports.reduce(
        (sum, r) => ({ became: sum.became + r.became, cleared: sum.cleared + r.cleared }),
        {
          became: 0,
          cleared: 0,
        },
      );
    };
    const ours = (feed: Json[]) => overdueEvents(feed).filter((e) => ids.some((id) => e.endsWith(id)));

    expect(await twoScans('2025-01-21')).toMatchObject({ became: 0 });
    const became = await twoScans('2025-01-22');
    expect(ours(await o.feed()).sort()).toEqual(
      ids.map((id) => `became:not_established_in_time:${id}`).sort(),
    );
    expect(became.became).toBeGreaterThanOrEqual(12);
    // Again the same day: nothing new.
    await twoScans('2025-01-22');
    expect(ours(await o.feed())).toHaveLength(12);

    // Six plans get established; the next scan clears exactly those, once.
    t.at('2025-01-23T10:00:00+01:00');
    for (let i = 0; i < 6; i++) await o.push(o.plan(`O-C${i}`));
    await twoScans('2025-01-23');
    const cleared = ours(await o.feed()).filter((e) => e.startsWith('cleared'));
    expect(cleared.sort()).toEqual(
      ids
        .slice(0, 6)
        .map((id) => `cleared:not_established_in_time:${id}`)
        .sort(),
    );
    const rows = await t.deps.db
      .selectFrom('plan_overdue')
      .select('plan_id')
      .where('plan_id', 'in', ids)
      .execute();
    expect(rows.map((r) => r.plan_id).sort()).toEqual(ids.slice(6).sort());
  });

  it('a push that makes a plan overdue or clears it records the event at once', async () => {
    const o = await organisationOf(t);
    t.at('2025-03-01T10:00:00+01:00');
    const plan = { ...o.plan('O-PUSH'), signatures: [personSigns, managerSigns] };
    plan.dates = { ...plan.dates, nextFollowUp: '2025-02-20' };
    const { id } = await o.push(plan);
    // The omsorg preset also wants the personal-details review within 14 days of establishment.
    expect(overdueEvents(await o.feed(id))).toEqual([
      `became:follow_up_passed:${id}`,
      `became:personal-details-review:${id}`,
    ]);
    await o.push({
      ...plan,
      dates: { ...plan.dates, established: '2025-02-25', nextFollowUp: '2025-08-25' },
    });
    expect(overdueEvents(await o.feed(id))).toEqual([
      `became:follow_up_passed:${id}`,
      `became:personal-details-review:${id}`,
      `cleared:follow_up_passed:${id}`,
      `cleared:personal-details-review:${id}`,
    ]);
    expect((await o.ok('GET', '/v1/compliance/overdue')).units).toEqual([]);
  });
});
