import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProtectionApp,
  deliveryOf,
  destinationOf,
  heldVersions,
  organisationIn,
  type ProtectionTestApp,
} from './support.js';

/**
 * Issue 22, item 2: each retention rule by name, with the clock injected. Versions are pushed
 * on 2025-01-20 (superseding their predecessors that day); the default retention is 90 days,
 * so 2025-04-20 is the first day superseded content may go.
 */
let t: ProtectionTestApp;
let org: Awaited<ReturnType<typeof organisationIn>>;

beforeAll(async () => {
  t = await createProtectionApp('retention', '2025-01-20T10:00:00+01:00');
  org = await organisationIn(t);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/** A plan with two versions pushed today: version 1 superseded by version 2. */
async function twoVersions(sourcePlanId: string): Promise<string> {
  const plan = org.plan(sourcePlanId);
  const { id } = await org.push(plan);
  await org.push({ ...plan, approach: 'Tala lugnt, ge tid och upprepa vid behov.' });
  return id;
}

describe('retention rules', () => {
  it('superseded: content goes N days after the newer version, not a day earlier; the latest stays', async () => {
    const id = await twoVersions('RET-SUPERSEDED');
    expect((await t.retention({ today: '2025-04-19' })).kept.within_retention).toBeGreaterThanOrEqual(1);
    expect(await heldVersions(t, id)).toEqual({ 1: true, 2: true });

    const summary = await t.retention({ today: '2025-04-20' });
    expect(summary.pruned).toBeGreaterThanOrEqual(1);
    expect(await heldVersions(t, id)).toEqual({ 1: false, 2: true });

    // latest_version: the plan has not ended, so its latest version stays however old it is.
    const later = await t.retention({ today: '2030-01-01' });
    expect(later.kept.latest_version).toBeGreaterThanOrEqual(1);
    expect(await heldVersions(t, id)).toEqual({ 1: false, 2: true });
  });

  it('ended: every version goes N days after the end date, the latest included', async () => {
    const id = await twoVersions('RET-ENDED');
    await org.ok('POST', `/v1/plans/${id}/end`, {
      date: '2025-01-20',
      reason: 'Flyttat till särskilt boende',
    });
    await t.retention({ today: '2025-04-19' });
    expect(await heldVersions(t, id)).toEqual({ 1: true, 2: true });
    await t.retention({ today: '2025-04-20' });
    expect(await heldVersions(t, id)).toEqual({ 1: false, 2: false });
  });

  it('delivery_queued, delivery_failed: a version with a delivery under way or failed stays', async () => {
    const queued = await twoVersions('RET-QUEUED');
    const failed = await twoVersions('RET-FAILED');
    const destinationId = await destinationOf(t, org.organisation);
    await deliveryOf(t, { destinationId, planId: queued, version: 1, status: 'pending' });
    await deliveryOf(t, { destinationId, planId: failed, version: 1, status: 'failed' });
    const summary = await t.retention({ today: '2026-01-01' });
    expect(summary.kept.delivery_queued).toBe(1);
    expect(summary.kept.delivery_failed).toBe(1);
    expect(await heldVersions(t, queued)).toEqual({ 1: true, 2: true });
    expect(await heldVersions(t, failed)).toEqual({ 1: true, 2: true });
  });

  it('superseded and delivered: the clock starts when the last delivery finished', async () => {
    const id = await twoVersions('RET-DELIVERED');
    const destinationId = await destinationOf(t, org.organisation);
    await deliveryOf(t, {
      destinationId,
      planId: id,
      version: 1,
      status: 'delivered',
      deliveredAt: '2025-02-01T12:00:00+01:00',
    });
    await t.retention({ today: '2025-05-01' });
    expect(await heldVersions(t, id)).toEqual({ 1: true, 2: true });
    await t.retention({ today: '2025-05-02' });
    expect(await heldVersions(t, id)).toEqual({ 1: false, 2: true });
  });

  it('inbox_unacknowledged: a submission waiting in the inbox keeps its version', async () => {
    const id = await twoVersions('RET-INBOX');
    await sql`insert into submissions (plan_id, version, content_hash, destination_id, status, created_at, delivered_at)
      values (${id}, 1, 'x', null, 'delivered', now(), now())`.execute(t.deps.db);
    const summary = await t.retention({ today: '2026-01-01' });
    expect(summary.kept.inbox_unacknowledged).toBe(1);
    expect(await heldVersions(t, id)).toEqual({ 1: true, 2: true });
  });

  it('a need evaluation (routine 003) waiting in the inbox keeps its version; once confirmed, its summary goes with the version', async () => {
    const plan = org.plan('RET-NEED');
    const { id } = await org.push(plan);
    const recorded = await org.ok('POST', `/v1/plans/${id}/need-evaluations`, {
      date: '2025-01-20',
      summary: 'Behöver stöd även nattetid.',
      by: { name: 'Karin Öberg', title: 'Kontaktman' },
    });
    const evaluation = recorded.needEvaluations[0];
    expect(evaluation).toMatchObject({ version: 1, via: 'inbox' });
    await org.push({ ...plan, approach: 'Tala lugnt, ge tid och upprepa vid behov.' });
    const waiting = await t.retention({ today: '2026-01-01' });
    expect(waiting.kept.inbox_unacknowledged).toBeGreaterThanOrEqual(1);
    expect(await heldVersions(t, id)).toEqual({ 1: true, 2: true });

    await org.ok('POST', `/v1/plans/${id}/need-evaluations/${evaluation.id}/receipt`);
    await t.retention({ today: '2026-01-01' });
    expect(await heldVersions(t, id)).toEqual({ 1: false, 2: true });
    const listed = await org.ok('GET', `/v1/plans/${id}/need-evaluations`);
    expect(listed.needEvaluations).toEqual([
      expect.objectContaining({ id: evaluation.id, status: 'acknowledged', summary: null }),
    ]);
  });

  it('legal_hold: nothing of a held plan goes, until the hold is released', async () => {
    const id = await twoVersions('RET-HOLD');
    const hold = await org.request('POST', `/v1/plans/${id}/holds`, { reason: 'Ärende hos IVO' });
    expect(hold.status).toBe(201);
    const summary = await t.retention({ today: '2026-01-01' });
    expect(summary.kept.legal_hold).toBe(2);
    expect(await heldVersions(t, id)).toEqual({ 1: true, 2: true });
    const status = await org.ok('GET', `/v1/plans/${id}/status`);
    expect(status.holds).toEqual([{ id: hold.body.id, createdAt: expect.any(String) }]);
    expect(JSON.stringify(status)).not.toContain('IVO');

    expect((await org.request('DELETE', `/v1/plans/${id}/holds/${hold.body.id}`)).status).toBe(204);
    await t.retention({ today: '2026-01-01' });
    expect(await heldVersions(t, id)).toEqual({ 1: false, 2: true });
  });

  it('0 days: superseded content goes at the next run', async () => {
    const admin = await organisationIn(t);
    await admin.ok('PUT', `/v1/admin/policies/${admin.organisation}`, {
      preset: 'omsorg',
      contentRetentionDays: 0,
    });
    const plan = admin.plan('RET-ZERO');
    const { id } = await admin.push(plan);
    await admin.push({ ...plan, approach: 'Tala lugnt.' });
    await t.retention();
    expect(await heldVersions(t, id)).toEqual({ 1: false, 2: true });
  });

  it('a dry run decides and counts, and changes nothing', async () => {
    const id = await twoVersions('RET-DRY');
    const dry = await t.retention({ today: '2026-06-01', dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.pruned).toBeGreaterThanOrEqual(1);
    expect(await heldVersions(t, id)).toEqual({ 1: true, 2: true });
  });

  it('one audit entry per plan pruned; a second run finds nothing more to do', async () => {
    const a = await twoVersions('RET-AUDIT-A');
    const b = await twoVersions('RET-AUDIT-B');
    const first = await t.retention({ today: '2027-01-01', batchSize: 1 });
    expect(first.pruned).toBeGreaterThanOrEqual(2);
    const { rows } = await sql<{ plan_id: string; n: number }>`
      select plan_id, count(*)::int as n from audit_log where action = 'plan.content.prune'
      and plan_id in (${a}, ${b}) group by plan_id`.execute(t.deps.db);
    expect(rows.map((row) => row.n)).toEqual([1, 1]);
    const second = await t.retention({ today: '2027-01-01' });
    expect(second.pruned).toBe(0);
  });
});

describe('pruned content', () => {
  it('answers 410 naming the date and the reason; status and the change feed keep working', async () => {
    const id = await twoVersions('RET-GONE');
    await org.ok('POST', `/v1/plans/${id}/end`, { date: '2025-01-20', reason: 'Avliden' });
    t.at('2025-05-01T09:00:00+02:00');
    await t.retention();
    for (const url of [
      `/v1/plans/${id}`,
      `/v1/plans/${id}?version=1`,
      `/v1/plans/${id}/document.pdf`,
      `/v1/systems/procapita/plans/${id}`,
      `/v1/systems/fhir/plans/${id}`,
    ]) {
      const res = await org.request('GET', url);
      expect(res.status, url).toBe(410);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.detail).toContain('2025-05-01');
      expect(res.body.detail).toContain('retention');
    }
    const status = await org.ok('GET', `/v1/plans/${id}/status`);
    expect(status).toMatchObject({
      status: 'ended',
      ended: { on: '2025-01-20', version: 2 },
      contentPruned: { reason: 'retention' },
      dates: null,
      deadlines: null,
    });
    const feed = await org.ok('GET', '/v1/changes?limit=1000');
    const text = JSON.stringify(feed);
    expect(text).toContain(id);
    expect(text).not.toContain('Vallström');
    t.at('2025-01-20T10:00:00+01:00');
  });
});
