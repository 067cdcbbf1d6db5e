import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanOverdue } from '../../../src/services/overdue.service.js';
import { bearer } from '../../helpers/app.js';
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
  t = await createLifecycleApp('2025-01-20T10:00:00+01:00');
});
afterAll(async () => {
  await t.close();
});

const review = (date: string) => ({
  kind: 'personal-details',
  date,
  by: { name: 'Karin Öberg', title: 'Undersköterska' },
});
const codes = (status: Json) => (status.overdue as Json[]).map((r) => r.code);

describe('routine 000: the personal-details review (Uppgifter och övrig information), through the API', () => {
  it('shows the review missing, then overdue after 14 days, and a recorded review clears it in the feed', async () => {
    const o = await organisationOf(t);
    const plan = communicatedOn(o.plan('REVIEW-1'), '2025-01-18');
    const { id } = await o.push(plan);
    const established = plan.dates.established;
    const status = await o.status(id);
    expect(status.personalDetailsReview).toEqual({
      state: 'missing',
      occasionFrom: plan.dates.drawnUp,
      dueBy: '2025-01-31',
      review: null,
    });
    expect(established).toBe('2025-01-17');

    t.at('2025-02-01T09:00:00+01:00');
    expect(codes(await o.status(id))).toContain('personal-details-review');
    // The daily scan records it in the feed.
    await scanOverdue(t.ctx(), '2025-02-01');

    const res = await o.request('POST', `/v1/plans/${id}/reviews`, review('2025-02-01'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ planId: id, ...review('2025-02-01'), id: expect.any(String) });

    const after = await o.status(id);
    expect(after.personalDetailsReview).toMatchObject({ state: 'done', review: review('2025-02-01') });
    expect(codes(after)).not.toContain('personal-details-review');
    const feed = (await o.feed(id)).filter(
      (c: Json) => c.kind !== 'status_changed' && c.kind !== 'plan_created',
    );
    expect(
      feed
        .filter((c: Json) => c.kind === 'review_recorded' || c.detail?.reason === 'personal-details-review')
        .map((c: Json) => [c.kind, c.detail]),
    ).toEqual([
      [
        'overdue',
        { change: 'became', reason: 'personal-details-review', dueOn: '2025-01-31', since: '2025-02-01' },
      ],
      ['review_recorded', { kind: 'personal-details', date: '2025-02-01' }],
      [
        'overdue',
        { change: 'cleared', reason: 'personal-details-review', dueOn: '2025-01-31', since: '2025-02-01' },
      ],
    ]);

    const list = await o.ok('GET', `/v1/plans/${id}/reviews`);
    expect(list).toMatchObject({ planId: id, reviews: [review('2025-02-01')] });
    t.at('2025-01-20T10:00:00+01:00');
  });

  it('needs a new review for a follow-up version: the earlier occasion’s does not count', async () => {
    const o = await organisationOf(t);
    const plan = communicatedOn(o.plan('REVIEW-2'), '2025-01-18');
    const { id } = await o.push(plan);
    await o.ok('POST', `/v1/plans/${id}/reviews`, review('2025-01-18'));
    expect((await o.status(id)).personalDetailsReview.state).toBe('done');
    await o.push({ ...plan, dates: { ...plan.dates, drawnUp: '2025-01-19', established: '2025-01-19' } });
    expect((await o.status(id)).personalDetailsReview).toMatchObject({
      state: 'missing',
      dueBy: '2025-02-02',
    });
  });

  it('is not asked for in the lss preset (routine 003)', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(lssPlan(o.organisation, 'REVIEW-LSS'), '2025-01-18'));
    expect((await o.status(id)).personalDetailsReview).toEqual({
      state: 'not_required',
      occasionFrom: null,
      dueBy: null,
      review: null,
    });
  });

  it('takes signatures:write, refuses a bad review naming each field, and hides the reviewer from status:read', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('REVIEW-SCOPE'), '2025-01-18'));
    const inject = (authorization: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization }, ...(payload && { payload }) });

    const writer = await bearer(t.deps, o.organisation, ['plans:write']);
    expect((await inject(writer, 'POST', `/v1/plans/${id}/reviews`, review('2025-01-19'))).statusCode).toBe(
      403,
    );
    const signer = await bearer(t.deps, o.organisation, ['signatures:write']);
    const bad = await inject(signer, 'POST', `/v1/plans/${id}/reviews`, {
      kind: 'x',
      date: '2025-13-01',
      by: {},
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(bad.json())).toMatch(/\/kind.*\/date.*\/by\/name/s);
    expect((await inject(signer, 'POST', `/v1/plans/${id}/reviews`, review('2025-01-19'))).statusCode).toBe(
      201,
    );

    const poller = await bearer(t.deps, o.organisation, ['status:read']);
    const status = (await inject(poller, 'GET', `/v1/plans/${id}/status`)).json();
    expect(status.personalDetailsReview.review).toEqual({ kind: 'personal-details', date: '2025-01-19' });
    expect((await inject(poller, 'GET', `/v1/plans/${id}/reviews`)).statusCode).toBe(403);
  });
});
