import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceContext } from '../../../src/app.js';
import { scanOverdue } from '../../../src/services/overdue.service.js';
import { createLifecycleApp, type LifecycleTestApp, organisationOf } from '../lifecycle/support.js';

/** Issue 22, item 1: a plan can end; its deadlines stop; a new version reopens it, on record. */
let t: LifecycleTestApp;
let org: Awaited<ReturnType<typeof organisationOf>>;

beforeAll(async () => {
  t = await createLifecycleApp('2025-01-20T10:00:00+01:00');
  org = await organisationOf(t);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('ending a plan', () => {
  it('shows ended with its date, stops deadlines, and a new version reopens it on record', async () => {
    const plan = org.plan('END-1');
    const { id } = await org.push(plan);
    const ended = await org.request('POST', `/v1/plans/${id}/end`, {
      date: '2025-01-20',
      reason: 'Insatsen upphörde',
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ planId: id, version: 1, status: 'ended', endedOn: '2025-01-20' });

    const status = await org.status(id);
    expect(status).toMatchObject({ status: 'ended', ended: { on: '2025-01-20', version: 1 }, overdue: [] });
    expect(JSON.stringify(status)).not.toContain('upphörde');
    expect(
      (await org.request('POST', `/v1/plans/${id}/end`, { date: '2025-01-20', reason: 'igen' })).status,
    ).toBe(409);

    // Long past every deadline: an ended plan is not evaluated, so nothing becomes overdue.
    t.at('2026-06-01T10:00:00+02:00');
    await scanOverdue(serviceContext(t.deps));
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from plan_overdue where plan_id = ${id}`.execute(t.deps.db);
    expect(rows[0]?.n).toBe(0);
    expect((await org.status(id)).status).toBe('ended');

    await org.push({ ...plan, approach: 'Insatsen återupptas.' });
    const reopened = await org.status(id);
    expect(reopened.status).not.toBe('ended');
    expect(reopened.ended).toBeNull();
    const feed = await org.feed(id);
    const moves = feed.filter((c) => c.kind === 'status_changed').map((c) => c.detail);
    expect(moves).toContainEqual(expect.objectContaining({ to: 'ended' }));
    expect(moves).toContainEqual(expect.objectContaining({ from: 'ended', to: reopened.status }));
    const ends = await sql<{ reopened_by_version: number | null }>`
      select reopened_by_version from plan_ends where plan_id = ${id}`.execute(t.deps.db);
    expect(ends.rows).toEqual([{ reopened_by_version: 2 }]);
    t.at('2025-01-20T10:00:00+01:00');
  });

  it('refuses an end date after today, and a plan of another organisation is not found', async () => {
    const { id } = await org.push(org.plan('END-2'));
    const future = await org.request('POST', `/v1/plans/${id}/end`, { date: '2025-01-21', reason: 'x' });
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([{ path: '/date', message: 'must not be after today' }]);
    const other = await organisationOf(t);
    expect(
      (await other.request('POST', `/v1/plans/${id}/end`, { date: '2025-01-20', reason: 'x' })).status,
    ).toBe(404);
  });
});
