import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/services/clients.service.js';
import {
  communicatedOn,
  createLifecycleApp,
  type LifecycleTestApp,
  managerSigns,
  organisationOf,
  personSigns,
} from './support.js';

// A poller's `If-None-Match` is answered 304 from the revision of the status's stored inputs
// (one statement) when this process computed the status from the same revision before. Every
// kind of input a status is computed from must change that revision, or a poller would be told
// "not modified" about a status that changed.

let t: LifecycleTestApp;
beforeAll(async () => {
  t = await createLifecycleApp('2025-01-21T10:00:00+01:00');
});
afterAll(async () => {
  await t.close();
});

type Org = Awaited<ReturnType<typeof organisationOf>>;

async function statusRead(o: Org, id: string, etag?: string) {
  const res = await o.request(
    'GET',
    `/v1/plans/${id}/status`,
    undefined,
    etag ? { 'if-none-match': etag } : {},
  );
  return { status: res.status, etag: res.headers.etag as string, body: res.body };
}

/** The poller's ETag is no longer current: 200 with a new one, which is then answered 304. */
async function expectChanged(o: Org, id: string, etag: string): Promise<string> {
  const changed = await statusRead(o, id, etag);
  expect(changed.status).toBe(200);
  expect(changed.etag).not.toBe(etag);
  const again = await statusRead(o, id, changed.etag);
  expect(again.status).toBe(304);
  expect(again.etag).toBe(changed.etag);
  return changed.etag;
}

async function polledPlan(o: Org, sourcePlanId: string) {
  const { id } = await o.push(communicatedOn(o.plan(sourcePlanId), '2025-01-20'));
  const first = await statusRead(o, id);
  expect(first.status).toBe(200);
  expect((await statusRead(o, id, first.etag)).status).toBe(304);
  return { id, etag: first.etag };
}

describe('status ETag: a 304 only while nothing the status is computed from changed', () => {
  it('changes with each record written through the API: consent, signatures, review, cooperation, submission, need evaluation', async () => {
    const o = await organisationOf(t);
    let { id, etag } = await polledPlan(o, 'ETAG-RECORDS');
    await o.ok('POST', `/v1/plans/${id}/consents`, {
      covers: 'Nyckelgömma',
      given: false,
      date: '2025-01-21',
    });
    etag = await expectChanged(o, id, etag);
    expect((await o.sign(id, personSigns)).status).toBeLessThan(300);
    etag = await expectChanged(o, id, etag);
    await o.ok('POST', `/v1/plans/${id}/reviews`, {
      kind: 'personal-details',
      date: '2025-01-21',
      by: { name: 'Karin Öberg', title: 'kontaktman' },
    });
    etag = await expectChanged(o, id, etag);
    await o.ok('POST', `/v1/plans/${id}/cooperation`, {
      kind: 'sip',
      date: '2025-01-21',
      parties: ['Region Stockholm'],
      note: 'SIP inför ny insats',
    });
    etag = await expectChanged(o, id, etag);
    expect((await o.sign(id, managerSigns)).status).toBeLessThan(300);
    etag = await expectChanged(o, id, etag);
    await o.ok('POST', `/v1/plans/${id}/submissions`);
    etag = await expectChanged(o, id, etag);
    // The worker records the delivery: only the submission row changes.
    await t.deps.db
      .updateTable('submissions')
      .set({ status: 'delivered', delivered_at: new Date('2025-01-21T09:05:00Z') })
      .where('plan_id', '=', id)
      .execute();
    etag = await expectChanged(o, id, etag);
    await o.ok('POST', `/v1/plans/${id}/need-evaluations`, {
      date: '2025-01-21',
      summary: 'Behöver mer stöd på kvällar.',
      by: { name: 'Karin Öberg', title: 'kontaktman' },
    });
    etag = await expectChanged(o, id, etag);
    await t.deps.db
      .updateTable('need_evaluations')
      .set({ status: 'delivered', delivered_at: new Date('2025-01-21T09:06:00Z') })
      .where('plan_id', '=', id)
      .execute();
    await expectChanged(o, id, etag);
  });

  it('changes with holds placed and released, the plan ended, and a new version', async () => {
    const o = await organisationOf(t);
    let { id, etag } = await polledPlan(o, 'ETAG-PROTECTION');
    const hold = await o.ok('POST', `/v1/plans/${id}/holds`, { reason: 'Tvist om insatsen' });
    etag = await expectChanged(o, id, etag);
    const released = await t.app.inject({
      method: 'DELETE',
      url: `/v1/plans/${id}/holds/${hold.id}`,
      headers: { authorization: o.authorization },
    });
    expect(released.statusCode).toBeLessThan(300);
    etag = await expectChanged(o, id, etag);
    await o.ok('POST', `/v1/plans/${id}/end`, { date: '2025-01-21', reason: 'Insatsen avslutad' });
    etag = await expectChanged(o, id, etag);
    await o.push({ ...communicatedOn(o.plan('ETAG-PROTECTION'), '2025-01-21'), goals: [] });
    await expectChanged(o, id, etag);
  });

  it('changes with the organisation’s and the unit’s policy and with pruned content', async () => {
    const o = await organisationOf(t);
    let { id, etag } = await polledPlan(o, 'ETAG-POLICY');
    await o.ok('PUT', `/v1/admin/policies/${o.organisation}`, { preset: 'omsorg' });
    etag = await expectChanged(o, id, etag);
    const unit = (await o.status(id)).unitId as string;
    await o.ok('PUT', `/v1/admin/policies/${o.organisation}/units/${unit}`, { preset: 'lss' });
    etag = await expectChanged(o, id, etag);
    // Retention prunes an ended plan's content (the overdue scan skips ended plans).
    await o.ok('POST', `/v1/plans/${id}/end`, { date: '2025-01-21', reason: 'Insatsen avslutad' });
    etag = await expectChanged(o, id, etag);
    await t.deps.db
      .updateTable('plan_versions')
      .set({ document: null, pruned_at: new Date('2025-01-21T09:00:00Z'), prune_reason: 'retention' })
      .where('plan_id', '=', id)
      .execute();
    await expectChanged(o, id, etag);
  });

  it('changes when the day changes and deadlines move with it', async () => {
    const o = await organisationOf(t);
    const { id, etag } = await polledPlan(o, 'ETAG-DAY');
    const before = (await statusRead(o, id)).body;
    // Months later the follow-up is overdue: the status computed today differs from before.
    t.at('2025-09-01T10:00:00+02:00');
    try {
      await expectChanged(o, id, etag);
      expect((await statusRead(o, id)).body.overdue).not.toEqual(before.overdue);
    } finally {
      t.at('2025-01-21T10:00:00+01:00');
    }
  });

  it('never answers one caller 304 from another’s view: a status:read client sees its own ETag', async () => {
    const o = await organisationOf(t);
    const { id } = await polledPlan(o, 'ETAG-VIEW');
    // A signature's name is plan text: the two views differ.
    expect((await o.sign(id, personSigns)).status).toBeLessThan(300);
    const { etag } = await statusRead(o, id);
    const poller = await createClient(t.ctx(), {
      name: `poller-${randomUUID()}`,
      organisation: o.organisation,
      scopes: ['status:read'],
    });
    const read = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'GET',
        url: `/v1/plans/${id}/status`,
        headers: { authorization: `Bearer ${poller.key}`, ...headers },
      });
    const withFullETag = await read({ 'if-none-match': etag });
    expect(withFullETag.statusCode).toBe(200);
    const own = withFullETag.headers.etag as string;
    expect(own).not.toBe(etag);
    expect((await read({ 'if-none-match': own })).statusCode).toBe(304);
  });

  it('answers 404 for another organisation’s plan whatever the ETag, and records each 304 in the audit log', async () => {
    const o = await organisationOf(t);
    const other = await organisationOf(t);
    const { id, etag } = await polledPlan(o, 'ETAG-OTHER');
    expect((await statusRead(other, id, etag)).status).toBe(404);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from audit_log
      where plan_id = ${id} and status = 304 and action = 'status.read'`.execute(t.deps.db);
    expect(rows[0]?.n).toBe(1);
  });
});
