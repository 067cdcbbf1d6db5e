import { Kysely, PostgresDialect, type PostgresPool, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serviceContext } from '../../src/app.js';
import { encryptedSecretCodec } from '../../src/crypto/destination-secret-codec.js';
import type { Database } from '../../src/db/schema.js';
import { createDestination } from '../../src/delivery/destinations/destinations.service.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import type { ServiceContext } from '../../src/services/context.js';
import { pushPlan } from '../../src/services/plan-push.service.js';
import { adminOf, createTestApp, type TestApp } from '../helpers/app.js';
import { validPlan } from '../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function push(authorization: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/plans',
    headers: { authorization, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /v1/plans', () => {
  it('stores a new plan (201 + Location), then answers an identical push with 200 and no new version', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation });

    const first = await push(authorization, plan);
    expect(first.statusCode).toBe(201);
    const created = first.json();
    expect(created).toEqual({ id: expect.any(String), version: 1, status: 'established', warnings: [] });
    expect(first.headers.location).toBe(`/v1/plans/${created.id}`);
    expect(first.headers.etag).toBe('"v1"');

    // Same content, lists in another order, blank optional text, padded single-line value.
    const reordered = validPlan({ municipalityCode: organisation });
    reordered.interventions.reverse();
    reordered.signatures.reverse();
    reordered.participation.otherParticipants.reverse();
    Object.assign(reordered, { sipNote: '   ' });
    reordered.contactPerson.name = '  Karin Öberg ';
    const second = await push(authorization, reordered);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ ...created, version: 1 });
    expect(second.headers.location).toBeUndefined();

    const versions = await t.app.inject({
      url: `/v1/plans/${created.id}/versions`,
      headers: { authorization },
    });
    expect(versions.json().versions).toHaveLength(1);
  });

  it('stores one plan and one version when the same new plan is pushed many times at once', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation, sourcePlanId: 'RACE-1' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => push(authorization, plan)));
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(answers.map((a) => a.json().id));
    expect(ids.size).toBe(1);
    const versions = await t.deps.db
      .selectFrom('plan_versions')
      .select('version')
      .where('plan_id', '=', [...ids][0]!)
      .execute();
    expect(versions).toEqual([{ version: 1 }]);
    const changes = await t.deps.db
      .selectFrom('plan_changes')
      .select('kind')
      .where('plan_id', '=', [...ids][0]!)
      .where('kind', '=', 'plan_created')
      .execute();
    expect(changes).toHaveLength(1);
  });

  it('stores one new version when the same changed content of a stored plan is pushed many times at once', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation, sourcePlanId: 'RACE-2' });
    const first = await push(authorization, plan);
    expect(first.statusCode).toBe(201);
    // The pushes queue on the plan's lock; each must see the version the one before it stored.
    const changed = { ...plan, approach: 'Ny text för alla' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => push(authorization, changed)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().version))).toEqual(new Set([2]));
    const versions = await t.deps.db
      .selectFrom('plan_versions')
      .select('version')
      .where('plan_id', '=', first.json().id)
      .orderBy('version')
      .execute();
    expect(versions).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('makes a new version when the content changes, and keeps the old one readable', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation });
    const { id } = (await push(authorization, plan)).json();

    const changed = { ...plan, dates: { ...plan.dates, communicated: '2025-01-20' } };
    const res = await push(authorization, changed);
    expect(res.statusCode).toBe(201);
    // Communicated, and the person and unit manager signed in the document: signed (routine 000).
    expect(res.json()).toMatchObject({ id, version: 2, status: 'signed' });
    expect(res.headers.location).toBe(`/v1/plans/${id}?version=2`);

    const latest = await t.app.inject({ url: `/v1/plans/${id}`, headers: { authorization } });
    expect(latest.statusCode).toBe(200);
    expect(latest.headers.etag).toBe('"v2"');
    expect(latest.json().dates.communicated).toBe('2025-01-20');

    const old = await t.app.inject({ url: `/v1/plans/${id}?version=1`, headers: { authorization } });
    expect(old.headers.etag).toBe('"v1"');
    expect(old.json().dates.communicated).toBeUndefined();

    const cached = await t.app.inject({
      url: `/v1/plans/${id}`,
      headers: { authorization, 'if-none-match': '"v2"' },
    });
    expect(cached.statusCode).toBe(304);

    const missing = await t.app.inject({ url: `/v1/plans/${id}?version=3`, headers: { authorization } });
    expect(missing.statusCode).toBe(404);
  });

  it('returns the plan as normalised: trimmed single-line values, LF line ends, empty items gone', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation });
    plan.person.givenName = ' Ingegerd ';
    plan.approach = 'Rad 1\r\nRad 2';
    Object.assign(plan, { needs: { meals: '', other: '  ' } });
    const { id } = (await push(authorization, plan)).json();
    const stored = (await t.app.inject({ url: `/v1/plans/${id}`, headers: { authorization } })).json();
    expect(stored.person.givenName).toBe('Ingegerd');
    expect(stored.approach).toBe('Rad 1\nRad 2');
    expect(stored.needs).toBeUndefined();
  });

  it('refuses an invalid plan with 422 problem+json naming canonical paths, never values, and stores nothing', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation });
    const wrongCheckDigit = `${plan.person.identityNumber.slice(0, 11)}${(Number(plan.person.identityNumber[11]) + 1) % 10}`;
    plan.person.identityNumber = wrongCheckDigit;
    plan.dates.drawnUp = '2025-02-30';
    Object.assign(plan.plan, { colour: 'blue' });

    const res = await push(authorization, plan);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({ status: 422, title: expect.any(String), type: expect.any(String) });
    expect(problem.instance).toMatch(/^urn:planbrygga:request:/);
    const paths = problem.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/dates/drawnUp', '/person/identityNumber', '/plan/colour']);
    expect(res.body).not.toContain(wrongCheckDigit);

    const list = await t.app.inject({ url: '/v1/plans', headers: { authorization } });
    expect(list.json().items).toEqual([]);
  });

  it("refuses a plan of another municipality than the client's organisation (422 at /plan/municipalityCode)", async () => {
    const { authorization } = await adminOf(t.deps);
    const res = await push(authorization, validPlan({ municipalityCode: '0001' }));
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ path: '/plan/municipalityCode', message: expect.any(String) }]);
  });

  it('answers unreadable bodies with 400 and oversized ones with 413, as problem+json', async () => {
    const { authorization } = await adminOf(t.deps);
    const broken = await push(authorization, '{"plan": {"sourcePlanId": "193808149821"');
    expect(broken.statusCode).toBe(400);
    expect(broken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(broken.body).not.toContain('193808149821');

    const notAnObject = await push(authorization, '[]');
    expect(notAnObject.statusCode).toBe(422);

    const huge = await push(authorization, JSON.stringify({ approach: 'x'.repeat(10 * 1024 * 1024 + 1) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ status: 413 });
  });
});

/** A service context whose database records the text of every statement it sends, BEGIN and COMMIT too. */
function recordingContext() {
  const sent: string[] = [];
  const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  const recording: PostgresPool = {
    connect: async () => {
      const client = await pool.connect();
      return {
        query: ((text: string | { text: string }, values?: unknown[]) => {
          sent.push((typeof text === 'string' ? text : text.text).slice(0, 12));
          return client.query(text as never, values);
        }) as never,
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: recording }) });
  return { ctx: { ...serviceContext(t.deps), db }, sent, close: () => db.destroy() };
}

describe('round trips of a push', () => {
  async function pushAs(ctx: ServiceContext, organisation: string, sourcePlanId: string, approach?: string) {
    const body = validPlan({ municipalityCode: organisation, sourcePlanId });
    const parsed = parseCanonicalPlan(approach ? { ...body, approach } : body);
    if (!parsed.ok) throw new Error('the test plan is invalid');
    const client = await t.deps.db
      .selectFrom('clients')
      .select(['id', 'scopes'])
      .where('organisation', '=', organisation)
      .executeTakeFirstOrThrow();
    return pushPlan(ctx, {
      caller: { clientId: client.id, organisation, scopes: client.scopes },
      sourceSystem: 'canonical',
      plan: parsed.plan,
      warnings: [],
      audit: {
        at: new Date(),
        clientId: client.id,
        organisation,
        action: 'plan.push',
        requestId: 'req-round-trips',
        details: {},
      },
    });
  }
  const writes = (sent: string[]) => sent.filter((text) => /^(with|insert|update)/.test(text));

  let recording: ReturnType<typeof recordingContext>;
  beforeAll(() => {
    recording = recordingContext();
  });
  afterAll(async () => {
    await recording.close();
  });

  it('stores a new plan with two statements and no transaction: the read, and one write of everything', async () => {
    const { organisation } = await adminOf(t.deps);
    recording.sent.length = 0;
    const result = await pushAs(recording.ctx, organisation, 'RT-1');
    expect(result.created).toBe(true);
    // The read (plan, policies, destinations) and the write: plan, version, signatures,
    // transitions, overdue, audit entry and change feed. One statement is atomic on its own.
    expect(recording.sent).toEqual([expect.stringMatching(/^select/), expect.stringMatching(/^with/)]);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'status', 'version'])
      .where('plan_id', '=', result.id)
      .execute();
    expect(audit).toEqual([{ action: 'plan.push', status: 201, version: 1 }]);

    // An identical push is answered from the read alone.
    recording.sent.length = 0;
    expect((await pushAs(recording.ctx, organisation, 'RT-1')).created).toBe(false);
    expect(recording.sent).toHaveLength(1);

    // A new version is one transaction: the plan is read again under its lock, and written once.
    recording.sent.length = 0;
    const changed = await pushAs(recording.ctx, organisation, 'RT-1', 'Ett annat arbetssätt.');
    expect(changed.version).toBe(2);
    expect(recording.sent[1]).toBe('begin');
    expect(recording.sent.at(-1)).toBe('commit');
    expect(writes(recording.sent)).toHaveLength(1);
  });

  it('stores a new plan in a transaction when a write-back job needs the id of its change first', async () => {
    const { organisation } = await adminOf(t.deps);
    const ctx = serviceContext(t.deps);
    await createDestination(ctx, encryptedSecretCodec(ctx.cipher), {
      organisation,
      kind: 'status',
      system: 'canonical',
      url: 'https://dokumentation.example.se/status',
    });
    recording.sent.length = 0;
    const result = await pushAs(recording.ctx, organisation, 'RT-2');
    expect(result.created).toBe(true);
    // Nothing was sent by the attempt at one statement; the transaction writes the plan with
    // its change (for the id) and then the job.
    expect(recording.sent.filter((text) => text === 'begin' || text === 'commit')).toEqual([
      'begin',
      'commit',
    ]);
    expect(writes(recording.sent)).toHaveLength(2);
    const jobs = await t.deps.db
      .selectFrom('outbox')
      .select('payload')
      .where('kind', '=', 'status.writeback')
      .where(sql<boolean>`payload->>'planId' = ${result.id}`)
      .execute();
    // Each written-back state change, by the id it got in the same transaction.
    const changes = await t.deps.db
      .selectFrom('plan_changes')
      .select('id')
      .where('plan_id', '=', result.id)
      .where('kind', '=', 'status_changed')
      .where(sql<boolean>`detail->>'to' in ('established', 'communicated')`)
      .orderBy('id')
      .execute();
    expect(changes.length).toBeGreaterThan(0);
    expect(jobs.map((j) => (j.payload as { changeId: string }).changeId).sort()).toEqual(
      changes.map((c) => c.id).sort(),
    );
  });
});
