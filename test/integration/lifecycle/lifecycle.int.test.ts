import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  communicatedOn,
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
  t = await createLifecycleApp();
});
afterAll(async () => {
  await t.close();
});

const transitionsIn = (feed: Json[]) =>
  feed.filter((c) => c.kind === 'status_changed').map((c) => `${c.detail.from}→${c.detail.to}@${c.version}`);

describe('lifecycle transitions', () => {
  it('records every transition with time, actor and request, and shows each in the change feed, in order', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(draftOf(o.plan('L-FEED')));
    t.at('2025-01-21T08:00:00+01:00');
    // Established, communicated and signed at once: three transitions, none skipped.
    await o.push({
      ...communicatedOn(o.plan('L-FEED'), '2025-01-20'),
      signatures: [personSigns, managerSigns],
    });
    const feed = await o.feed(id);
    expect(feed.map((c) => c.kind)).toEqual([
      'plan_created',
      'version_created',
      'status_changed',
      'status_changed',
      'status_changed',
    ]);
    expect(transitionsIn(feed)).toEqual([
      'draft→established@2',
      'established→communicated@2',
      'communicated→signed@2',
    ]);
    expect(feed.at(-1)).toMatchObject({ status: 'signed', at: '2025-01-21T07:00:00.000Z' });

    const rows = await t.deps.db
      .selectFrom('lifecycle_transitions')
      .selectAll()
      .where('plan_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.to_state)).toEqual(['established', 'communicated', 'signed']);
    const client = await t.deps.db
      .selectFrom('plan_versions')
      .select('pushed_by')
      .where('plan_id', '=', id)
      .executeTakeFirstOrThrow();
    for (const row of rows) {
      expect(row.actor).toBe(client.pushed_by);
      expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.at.toISOString()).toBe('2025-01-21T07:00:00.000Z');
    }

    // A signature through the API is a transition too; so is a new version after signing.
    await o.push({ ...communicatedOn(o.plan('L-FEED'), '2025-01-20'), approach: 'Ny text.' });
    expect(transitionsIn(await o.feed(id)).at(-1)).toBe('signed→communicated@3');
  });

  it('starts a new signing round for a new version after signing; earlier versions keep their signatures', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('L-ROUND'), '2025-01-20'));
    await o.sign(id, personSigns);
    expect((await o.sign(id, managerSigns)).body.status).toBe('signed');
    const v1 = await o.status(id);

    const changed = await o.push({
      ...communicatedOn(o.plan('L-ROUND'), '2025-01-20'),
      approach: 'Ändrat bemötande.',
    });
    expect(changed).toMatchObject({ version: 2, status: 'communicated' });
    const v2 = await o.status(id);
    expect(v2.signing.signedContentHash).not.toBe(v1.signing.signedContentHash);
    expect(v2.signing.outstanding).toEqual(['person', 'unit_manager']);
    expect(v2.signatures.map((s: Json) => [s.role, s.version, s.current])).toEqual([
      ['person', 1, false],
      ['unit_manager', 1, false],
    ]);
    // The same signer again, for the new content, counts in the new round.
    expect((await o.sign(id, personSigns)).status).toBe(201);
    expect((await o.status(id)).signing.outstanding).toEqual(['unit_manager']);
  });

  it('keeps the round when only a signature or the communicated date is added (they are not content)', async () => {
    const o = await organisationOf(t);
    const plan = o.plan('L-SAME');
    const { id } = await o.push({ ...plan, signatures: [personSigns] });
    const pushed = await o.push({
      ...communicatedOn(plan, '2025-01-20'),
      signatures: [personSigns, managerSigns],
    });
    expect(pushed).toMatchObject({ version: 2, status: 'signed' });
    const status = await o.status(id);
    expect(status.signatures.map((s: Json) => [s.role, s.version, s.source, s.current])).toEqual([
      ['person', 1, 'document', true],
      ['unit_manager', 2, 'document', true],
    ]);
  });

  it('treats a duplicate signature as a no-op (200, nothing stored, no event)', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('L-DUP'), '2025-01-20'));
    expect((await o.sign(id, personSigns)).status).toBe(201);
    const before = (await o.feed(id)).length;
    const again = await o.sign(id, personSigns);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ planId: id, version: 1, status: 'communicated' });
    expect((await o.feed(id)).length).toBe(before);
    const stored = await t.deps.db.selectFrom('signatures').select('id').where('plan_id', '=', id).execute();
    expect(stored).toHaveLength(1);
    // Concurrent identical signatures: one is recorded.
    const [a, b] = await Promise.all([o.sign(id, managerSigns), o.sign(id, managerSigns)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(
      await t.deps.db.selectFrom('signatures').select('id').where('plan_id', '=', id).execute(),
    ).toHaveLength(2);
  });

  it('accepts a role the policy does not require, and does not count it', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('L-NOTREQ'), '2025-01-20'));
    const res = await o.sign(id, {
      role: 'contact_person',
      signed: true,
      name: 'Karin Öberg',
      date: '2025-01-20',
      method: 'paper',
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('communicated');
    expect((await o.status(id)).signing).toMatchObject({
      outstanding: ['person', 'unit_manager'],
      notRequiredRoles: ['contact_person'],
    });
  });

  it('refuses a signature for a version that is no longer current (409) and an invalid one (422)', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(o.plan('L-STALE'));
    await o.push({ ...o.plan('L-STALE'), approach: 'v2' });
    const stale = await o.sign(id, { ...personSigns, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.errors).toEqual([{ path: '/version', message: 'must be the current version 2' }]);
    const invalid = await o.sign(id, {
      role: 'person',
      signed: true,
      name: 'X',
      date: '2025-02-30',
      method: 'fax',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: Json) => e.path).sort()).toEqual(['/date', '/method']);
    const other = await organisationOf(t);
    expect((await other.sign(id, personSigns)).status).toBe(404);
  });

  it('stores names, reasons, deviation texts and consent wordings encrypted', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('L-ENC'), '2025-01-20'));
    await o.sign(id, { role: 'person', signed: false, reason: 'Vill tänka över det.' });
    await o.sign(id, managerSigns);
    await o.ok('POST', `/v1/plans/${id}/deviations`, {
      kind: 'event',
      date: '2025-01-20',
      text: 'Föll i hallen.',
    });
    await o.ok('POST', `/v1/plans/${id}/consents`, {
      covers: 'Nyckelgömma',
      given: true,
      date: '2025-01-20',
    });
    const stored = JSON.stringify([
      await t.deps.db.selectFrom('signatures').select(['name', 'reason']).where('plan_id', '=', id).execute(),
      await t.deps.db.selectFrom('deviations').select('text').where('plan_id', '=', id).execute(),
      await t.deps.db.selectFrom('consent_records').select('covers').where('plan_id', '=', id).execute(),
    ]);
    for (const clear of ['Maria Lund', 'Vill tänka över det.', 'Föll i hallen.', 'Nyckelgömma']) {
      expect(stored).not.toContain(clear);
    }
    expect(stored).toContain('pbe1:');
    const status = await o.status(id);
    expect(status.signatures.map((s: Json) => s.name ?? s.reason)).toEqual([
      'Vill tänka över det.',
      'Maria Lund',
    ]);
  });

  it('changes the status ETag when anything in it changes', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('L-ETAG'), '2025-01-20'));
    const etag = (await o.request('GET', `/v1/plans/${id}/status`)).headers.etag as string;
    const same = await o.request('GET', `/v1/plans/${id}/status`, undefined, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    await o.ok('POST', `/v1/plans/${id}/consents`, {
      covers: 'Nyckelgömma',
      given: false,
      date: '2025-01-20',
    });
    const afterConsent = await o.request('GET', `/v1/plans/${id}/status`, undefined, {
      'if-none-match': etag,
    });
    expect(afterConsent.status).toBe(200);
    const etag2 = afterConsent.headers.etag as string;
    await o.sign(id, personSigns);
    expect(
      (await o.request('GET', `/v1/plans/${id}/status`, undefined, { 'if-none-match': etag2 })).status,
    ).toBe(200);
  });
});
