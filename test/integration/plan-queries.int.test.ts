import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PendingWrites } from '../../src/db/pending-writes.js';
import { adminOf, bearer, createTestApp, type TestApp, uniqueOrganisation } from '../helpers/app.js';
import { TEST_PERSON, testIdentityNumber, validPlan } from '../helpers/plans.js';

let t: TestApp;
// A fixed day soon after the test plans' dates, so no plan is overdue and the feed holds no overdue events.
beforeAll(async () => {
  t = await createTestApp({ clock: () => new Date('2025-01-20T10:00:00+01:00') });
});
afterAll(async () => {
  await t.close();
});

async function push(authorization: string, body: unknown) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/plans',
    headers: { authorization },
    payload: body as object,
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as { id: string; version: number; status: string };
}

function draft(organisation: string, sourcePlanId: string) {
  const plan = validPlan({ municipalityCode: organisation, sourcePlanId });
  const { established: _e, ...dates } = plan.dates;
  return { ...plan, dates, signatures: [] };
}

describe('authentication and tenancy', () => {
  it('answers 401 problem+json without a key or with an unknown key', async () => {
    for (const headers of [{}, { authorization: 'Bearer pbk_nope' }, { authorization: 'Basic abc' }]) {
      const res = await t.app.inject({ url: '/v1/plans', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('answers 403 when the key lacks the scope; viewer reads admin views, never plans', async () => {
    const organisation = await uniqueOrganisation(t.deps);
    const reader = await bearer(t.deps, organisation, ['status:read']);
    expect((await t.app.inject({ url: '/v1/plans', headers: { authorization: reader } })).statusCode).toBe(
      403,
    );
    const viewer = await bearer(t.deps, organisation, ['viewer']);
    expect((await t.app.inject({ url: '/v1/plans', headers: { authorization: viewer } })).statusCode).toBe(
      403,
    );
    const audit = await t.app.inject({ url: '/v1/admin/audit', headers: { authorization: viewer } });
    expect(audit.statusCode).toBe(200);
    const write = await t.app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: { authorization: viewer },
      payload: validPlan({ municipalityCode: organisation }),
    });
    expect(write.statusCode).toBe(403);
  });

  it("never shows another organisation's plan: 404 on every read, absent from lists and search", async () => {
    const a = await adminOf(t.deps);
    const b = await adminOf(t.deps);
    const { id } = await push(a.authorization, validPlan({ municipalityCode: a.organisation }));
    for (const url of [`/v1/plans/${id}`, `/v1/plans/${id}/versions`, `/v1/plans/${id}/status`]) {
      const res = await t.app.inject({ url, headers: { authorization: b.authorization } });
      expect(res.statusCode, url).toBe(404);
    }
    const list = await t.app.inject({ url: '/v1/plans', headers: { authorization: b.authorization } });
    expect(list.json().items).toEqual([]);
    const search = await t.app.inject({
      method: 'POST',
      url: '/v1/plans/search',
      headers: { authorization: b.authorization },
      payload: { personnummer: TEST_PERSON.identityNumber },
    });
    expect(search.json().items).toEqual([]);
    const feed = await t.app.inject({ url: '/v1/changes', headers: { authorization: b.authorization } });
    expect(feed.json().items).toEqual([]);
  });
});

describe('status', () => {
  it('derives the state from the dates, lists missing content, and supports If-None-Match', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = draft(organisation, 'D-1');
    plan.participation.otherParticipants = [];
    const { id, status } = await push(authorization, plan);
    expect(status).toBe('draft');

    const res = await t.app.inject({ url: `/v1/plans/${id}/status`, headers: { authorization } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id, version: 1, status: 'draft', signatures: [] });
    expect(body.missingContent.map((m: { key: string }) => m.key)).toEqual([
      'other_participants',
      'established_date',
    ]);

    const etag = res.headers.etag as string;
    const again = await t.app.inject({
      url: `/v1/plans/${id}/status`,
      headers: { authorization, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    // A 304 has no body, so it announces no length: one that did stalled keep-alive clients.
    expect(again.headers['content-length']).toBeUndefined();
    expect(again.body).toBe('');

    await push(authorization, { ...plan, dates: { ...plan.dates, established: '2025-01-20' } });
    const changed = await t.app.inject({
      url: `/v1/plans/${id}/status`,
      headers: { authorization, 'if-none-match': etag },
    });
    expect(changed.statusCode).toBe(200);
    // An established date on a plan that still lacks an item keeps it a draft, saying why.
    expect(changed.json()).toMatchObject({ status: 'draft', version: 2 });
    expect(changed.json().missingContent.map((m: { key: string }) => m.key)).toEqual(['other_participants']);
  });
});

describe('GET /v1/plans', () => {
  it('filters by status and unit and pages with an opaque cursor', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    for (let i = 0; i < 5; i++)
      await push(authorization, validPlan({ municipalityCode: organisation, sourcePlanId: `E-${i}` }));
    await push(authorization, draft(organisation, 'D-1'));
    const otherUnit = validPlan({ municipalityCode: organisation, sourcePlanId: 'U-1' });
    otherUnit.plan.unit = { id: 'HT-NORR', name: 'Hemtjänsten Norr' };
    await push(authorization, otherUnit);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/plans?status=established&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.app.inject({ url, headers: { authorization } })).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p: { sourcePlanId: string }) => p.sourcePlanId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['E-0', 'E-1', 'E-2', 'E-3', 'E-4', 'U-1']);

    const drafts = (await t.app.inject({ url: '/v1/plans?status=draft', headers: { authorization } })).json();
    expect(drafts.items.map((p: { sourcePlanId: string }) => p.sourcePlanId)).toEqual(['D-1']);
    const north = (await t.app.inject({ url: '/v1/plans?unit=HT-NORR', headers: { authorization } })).json();
    expect(north.items.map((p: { sourcePlanId: string }) => p.sourcePlanId)).toEqual(['U-1']);

    const bad = await t.app.inject({ url: '/v1/plans?cursor=not-a-cursor', headers: { authorization } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: '/cursor', message: expect.any(String) }]);
  });
});

describe('POST /v1/plans/search', () => {
  it('finds plans by personnummer through the blind index; refuses an invalid number without echoing it', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const { id } = await push(authorization, validPlan({ municipalityCode: organisation }));
    const other = validPlan({ municipalityCode: organisation, sourcePlanId: 'OTHER' });
    other.person.identityNumber = testIdentityNumber('19440229', 991);
    await push(authorization, other);

    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/plans/search',
      headers: { authorization },
      payload: { personnummer: TEST_PERSON.identityNumber },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((p: { id: string }) => p.id)).toEqual([id]);

    const invalid = '193808149820';
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/plans/search',
      headers: { authorization },
      payload: { personnummer: invalid },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([{ path: '/personnummer', message: expect.any(String) }]);
    expect(bad.body).not.toContain(invalid);

    const row = await t.deps.db
      .selectFrom('plans')
      .select('person_index')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.person_index).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('GET /v1/changes', () => {
  it('lists every new plan, version and status change in order and resumes from a cursor', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = draft(organisation, 'C-1');
    const { id } = await push(authorization, plan);
    const first = (await t.app.inject({ url: '/v1/changes', headers: { authorization } })).json();
    expect(first.items).toMatchObject([{ planId: id, version: 1, kind: 'plan_created', status: 'draft' }]);

    await push(authorization, { ...plan, dates: { ...plan.dates, established: '2025-01-20' } });
    await push(authorization, {
      ...plan,
      dates: { ...plan.dates, established: '2025-01-20' },
      approach: 'Ny text',
    });
    const next = (
      await t.app.inject({ url: `/v1/changes?after=${first.cursor}`, headers: { authorization } })
    ).json();
    expect(next.items.map((c: { kind: string; version: number }) => `${c.kind}@${c.version}`)).toEqual([
      'version_created@2',
      'status_changed@2',
      'version_created@3',
    ]);
    const seqs = next.items.map((c: { seq: string }) => BigInt(c.seq));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    const none = (
      await t.app.inject({ url: `/v1/changes?after=${next.cursor}`, headers: { authorization } })
    ).json();
    expect(none).toEqual({ items: [], cursor: next.cursor });

    for (const after of ['abc', '9223372036854775808', '9999999999999999999']) {
      const bad = await t.app.inject({ url: `/v1/changes?after=${after}`, headers: { authorization } });
      expect(bad.statusCode, after).toBe(400);
      expect(bad.json().errors[0].path).toBe('/after');
    }
    const largest = await t.app.inject({
      url: '/v1/changes?after=9223372036854775807',
      headers: { authorization },
    });
    expect(largest.json()).toEqual({ items: [], cursor: '9223372036854775807' });
  });

  it('numbers a change that commits after a later one behind the poller cursor, never before it', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const held = await push(
      authorization,
      validPlan({ municipalityCode: organisation, sourcePlanId: 'HELD' }),
    );
    const poll = async (after: string) =>
      (await t.app.inject({ url: `/v1/changes?after=${after}`, headers: { authorization } })).json();
    const start = (await poll('0')).cursor;

    // A write transaction takes its row first and commits last, while another push commits in between.
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const holder = t.deps.db.transaction().execute(async (trx) => {
      const pending = new PendingWrites();
      pending.appendChanges([
        {
          planId: held.id,
          organisation,
          version: 1,
          kind: 'version_created',
          status: 'established',
          at: new Date(),
        },
      ]);
      await pending.flush(trx);
      await committed;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await push(authorization, validPlan({ municipalityCode: organisation, sourcePlanId: 'QUICK' }));
    const first = await poll(start);
    expect(first.items.map((c: { kind: string }) => c.kind)).toEqual(['plan_created', 'status_changed']);

    commit();
    await holder;
    const second = await poll(first.cursor);
    expect(second.items).toMatchObject([{ planId: held.id, kind: 'version_created' }]);
    expect(BigInt(second.items[0].seq)).toBeGreaterThan(BigInt(first.cursor));
  });

  it('never lets a poller skip a row while concurrent pushes commit', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const seen: string[] = [];
    let cursor = '0';
    const poll = async () => {
      const page = (
        await t.app.inject({ url: `/v1/changes?after=${cursor}&limit=1000`, headers: { authorization } })
      ).json();
      seen.push(...page.items.map((c: { seq: string }) => c.seq));
      cursor = page.cursor;
    };
    const pushes = Array.from({ length: 30 }, (_, i) =>
      push(authorization, validPlan({ municipalityCode: organisation, sourcePlanId: `P-${i}` })),
    );
    const polling = (async () => {
      for (let i = 0; i < 20; i++) await poll();
    })();
    await Promise.all([...pushes, polling]);
    await poll();
    const all = await t.deps.db
      .selectFrom('plan_changes')
      .select('seq')
      .where('organisation', '=', organisation)
      .orderBy('seq')
      .execute();
    expect(seen).toEqual(all.map((r) => r.seq));
    // Each new established plan: plan_created and its draft→established transition.
    expect(seen).toHaveLength(60);
  });
});
