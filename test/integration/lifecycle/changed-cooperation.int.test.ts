import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanOverdue } from '../../../src/services/overdue.service.js';
import {
  communicatedOn,
  createLifecycleApp,
  type Json,
  type LifecycleTestApp,
  lssPlan,
  organisationOf,
} from './support.js';

let t: LifecycleTestApp;
beforeAll(async () => {
  t = await createLifecycleApp('2025-02-10T10:00:00+01:00');
});
afterAll(async () => {
  await t.close();
});

const sipMeeting = {
  kind: 'sip',
  date: '2025-02-10',
  parties: ['Region Skåne, habiliteringen', 'Grundsärskolan Ängen'],
  note: 'Elias börjar i ny skola; SIP-möte bokat.',
};

describe('routine 003: changed external cooperation (förändrad extern samverkan), through the API', () => {
  it('records the SIP, makes a follow-up due within 30 days, overdue after, cleared by a newly established version', async () => {
    const o = await organisationOf(t);
    const plan = communicatedOn(lssPlan(o.organisation, 'COOP-1'), '2025-01-20');
    const { id } = await o.push(plan);
    const res = await o.request('POST', `/v1/plans/${id}/cooperation`, sipMeeting);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...sipMeeting,
      planId: id,
      followUp: { date: '2025-03-12', source: 'cooperation' },
    });

    const status = await o.status(id);
    expect(status.deadlines.followUp).toMatchObject({
      date: '2025-03-12',
      source: 'cooperation',
      cooperation: { event: { kind: 'sip', date: '2025-02-10' }, dueBy: '2025-03-12' },
    });

    t.at('2025-03-13T09:00:00+01:00');
    expect((await o.status(id)).overdue).toContainEqual({
      code: 'follow_up_passed',
      dueOn: '2025-03-12',
      overdueSince: '2025-03-13',
    });
    await scanOverdue(t.ctx(), '2025-03-13');

    await o.push({
      ...plan,
      dates: { ...plan.dates, drawnUp: '2025-03-13', established: '2025-03-13', nextFollowUp: '2026-03-13' },
    });
    const revised = await o.status(id);
    expect(revised.deadlines.followUp).toMatchObject({ source: 'plan', date: '2026-03-13' });
    expect(revised.deadlines.followUp.cooperation).toBeUndefined();
    expect(revised.overdue).toEqual([]);

    const feed = (await o.feed(id)).filter(
      (c: Json) => c.kind === 'cooperation_recorded' || c.detail?.reason === 'follow_up_passed',
    );
    expect(feed.map((c: Json) => [c.kind, c.detail.change ?? c.detail.kind])).toEqual([
      ['cooperation_recorded', 'sip'],
      ['overdue', 'became'],
      ['overdue', 'cleared'],
    ]);
    t.at('2025-02-10T10:00:00+01:00');
  });

  it('keeps the note encrypted at rest', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(lssPlan(o.organisation, 'COOP-2'), '2025-01-20'));
    expect((await o.request('POST', `/v1/plans/${id}/cooperation`, sipMeeting)).status).toBe(201);
    const row = await t.deps.db
      .selectFrom('cooperation_events')
      .select(['note', 'parties'])
      .where('plan_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.note).not.toContain('skola');
    expect(row.parties).toEqual(sipMeeting.parties);
  });

  it('refuses a bad invitation naming each field (422), and an unknown plan (404)', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(lssPlan(o.organisation, 'COOP-3'), '2025-01-20'));
    const bad = await o.request('POST', `/v1/plans/${id}/cooperation`, {
      kind: 'möte',
      date: 'igår',
      parties: [],
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/\/kind.*\/date.*\/parties/s);
    const unknown = await o.request(
      'POST',
      '/v1/plans/00000000-0000-4000-8000-000000000000/cooperation',
      sipMeeting,
    );
    expect(unknown.status).toBe(404);
  });
});
