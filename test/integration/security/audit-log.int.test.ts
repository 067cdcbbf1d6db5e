import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { adminOf, bearer, createTestApp, type TestApp } from '../../helpers/app.js';
import { TEST_PERSON, validPlan } from '../../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Entry {
  action: string;
  clientId: string | null;
  planId: string | null;
  version: number | null;
  status: number;
  outcome: string;
  requestId: string;
  details: Record<string, unknown>;
}

async function push(app: TestApp, authorization: string, body: object) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/v1/plans',
    headers: { authorization },
    payload: body,
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as { id: string; version: number };
}

async function auditOf(app: TestApp, authorization: string, query: string): Promise<Entry[]> {
  const res = await app.app.inject({ url: `/v1/admin/audit?${query}`, headers: { authorization } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

describe('audit log', () => {
  it('records reads, writes and denied attempts with client, plan, version, request id and outcome', async () => {
    const a = await adminOf(t.deps);
    const b = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: a.organisation });
    const { id } = await push(t, a.authorization, plan);
    await push(t, a.authorization, { ...plan, approach: 'Ny text' });
    const poller = await bearer(t.deps, a.organisation, ['status:read']);

    const read = await t.app.inject({
      url: `/v1/plans/${id}?version=1`,
      headers: { authorization: a.authorization },
    });
    expect(read.statusCode).toBe(200);
    expect(
      (await t.app.inject({ url: `/v1/plans/${id}/status`, headers: { authorization: poller } })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ url: `/v1/plans/${id}`, headers: { authorization: poller } })).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ url: `/v1/plans/${id}`, headers: { authorization: b.authorization } }))
        .statusCode,
    ).toBe(404);

    const entries = await auditOf(t, a.authorization, `plan=${id}`);
    expect(entries.map((e) => [e.action, e.version, e.status, e.outcome])).toEqual([
      ['plan.read', null, 403, 'denied'],
      ['status.read', 2, 200, 'success'],
      ['plan.read', 1, 200, 'success'],
      ['plan.push', 2, 201, 'success'],
      ['plan.push', 1, 201, 'success'],
    ]);
    expect(new Set(entries.map((e) => e.requestId)).size).toBe(5);

    // The other organisation's probe is in its own log, not in a's.
    const probes = await auditOf(t, b.authorization, `plan=${id}`);
    expect(probes.map((e) => [e.action, e.status, e.outcome])).toEqual([['plan.read', 404, 'denied']]);

    // Filters: client, action, time window, and cursor paging.
    const byPoller = await auditOf(t, a.authorization, `plan=${id}&action=status.read`);
    expect(byPoller).toHaveLength(1);
    const pollerId = byPoller[0]?.clientId as string;
    expect((await auditOf(t, a.authorization, `client=${pollerId}`)).map((e) => e.action)).toEqual([
      'plan.read',
      'status.read',
    ]);
    expect(await auditOf(t, a.authorization, `plan=${id}&from=2999-01-01T00:00:00Z`)).toEqual([]);
    const first = await t.app.inject({
      url: `/v1/admin/audit?plan=${id}&limit=2`,
      headers: { authorization: a.authorization },
    });
    const next = first.json().nextCursor as string;
    const rest = await auditOf(t, a.authorization, `plan=${id}&limit=10&cursor=${next}`);
    expect(rest.map((e) => e.action)).toEqual(['plan.read', 'plan.push', 'plan.push']);
    // A cursor beyond the largest bigint was never handed out: a 400, not a failed query.
    const beyond = await t.app.inject({
      url: '/v1/admin/audit?cursor=9999999999999999999',
      headers: { authorization: a.authorization },
    });
    expect(beyond.statusCode, beyond.body).toBe(400);
  });

  it("answers who has read a person's plans by personnummer in the body, searches included", async () => {
    const a = await adminOf(t.deps);
    const { id } = await push(t, a.authorization, validPlan({ municipalityCode: a.organisation }));
    const reader = await bearer(t.deps, a.organisation, ['plans:read']);
    await t.app.inject({
      method: 'POST',
      url: '/v1/plans/search',
      headers: { authorization: reader },
      payload: { personnummer: TEST_PERSON.identityNumber },
    });
    await t.app.inject({ url: `/v1/plans/${id}`, headers: { authorization: reader } });

    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/audit/search',
      headers: { authorization: a.authorization },
      payload: { personnummer: TEST_PERSON.identityNumber },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.planIds).toEqual([id]);
    expect(body.items.map((e: Entry) => e.action)).toEqual(['plan.read', 'plan.search', 'plan.push']);
    expect(body.items[1].details).toEqual({ planIds: [id] });

    const readsOnly = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/audit/search',
      headers: { authorization: a.authorization },
      payload: { personnummer: TEST_PERSON.identityNumber, action: 'plan.read' },
    });
    expect(readsOnly.json().items).toHaveLength(1);

    // The audit search is itself audited, with the plans it revealed and without the number.
    const own = await auditOf(t, a.authorization, 'action=admin.audit.search');
    expect(own[0]?.details).toEqual({ planIds: [id] });
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('organisation', '=', a.organisation)
      .execute();
    expect(JSON.stringify(rows)).not.toContain(TEST_PERSON.identityNumber);
    expect(t.logs()).not.toContain(TEST_PERSON.identityNumber);
  });

  it('withholds the answer with a 500 and logs an error when the entry cannot be written', async () => {
    const a = await adminOf(t.deps);
    const { id } = await push(t, a.authorization, validPlan({ municipalityCode: a.organisation }));
    // A constraint that refuses this organisation's entries only (parallel files share the table).
    const constraint = `audit_refuses_${a.organisation}`;
    await sql`alter table audit_log add constraint ${sql.id(constraint)} check (organisation <> ${sql.lit(a.organisation)}) not valid`.execute(
      t.deps.db,
    );
    try {
      const res = await t.app.inject({ url: `/v1/plans/${id}`, headers: { authorization: a.authorization } });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain(TEST_PERSON.givenName);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(t.logs()).toContain('audit entry could not be written');
    } finally {
      await sql`alter table audit_log drop constraint ${sql.id(constraint)}`.execute(t.deps.db);
    }
  });

  it('answers reads made together only after their shared entries commit; a refused entry withholds only its own answer', async () => {
    const a = await adminOf(t.deps);
    const b = await adminOf(t.deps);
    const planA = await push(t, a.authorization, validPlan({ municipalityCode: a.organisation }));
    const planB = await push(t, b.authorization, validPlan({ municipalityCode: b.organisation }));
    const constraint = `audit_refuses_${a.organisation}`;
    await sql`alter table audit_log add constraint ${sql.id(constraint)} check (organisation <> ${sql.lit(a.organisation)}) not valid`.execute(
      t.deps.db,
    );
    try {
      // Every answer's entry is committed by the time the answer arrives, not some time later:
      // the organisation's entries are never fewer than its answers so far.
      const answered = { [a.organisation]: 0, [b.organisation]: 0 };
      const read = async (caller: { authorization: string; organisation: string }, id: string) => {
        const res = await t.app.inject({
          url: `/v1/plans/${id}/status`,
          headers: { authorization: caller.authorization },
        });
        answered[caller.organisation]!++;
        const seen = answered[caller.organisation]!;
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from audit_log
          where organisation = ${caller.organisation} and action = 'status.read'`.execute(t.deps.db);
        return { status: res.statusCode, entries: rows[0]!.n, seen };
      };
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? read(a, planA.id) : read(b, planB.id))),
      );
      const ofA = answers.filter((_, i) => i % 4 === 0);
      const ofB = answers.filter((_, i) => i % 4 !== 0);
      expect(ofA.map((r) => [r.status, r.entries])).toEqual(ofA.map(() => [500, 0]));
      expect(ofB.every((r) => r.status === 200 && r.entries >= r.seen)).toBe(true);
      expect(Math.max(...ofB.map((r) => r.entries))).toBe(30);
    } finally {
      await sql`alter table audit_log drop constraint ${sql.id(constraint)}`.execute(t.deps.db);
    }
  });

  it('stores a push and its entry in one transaction: a push whose entry cannot be written stores nothing', async () => {
    const a = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: a.organisation });
    const plansOfOrganisation = async () =>
      (await t.deps.db.selectFrom('plans').select('id').where('organisation', '=', a.organisation).execute())
        .length;
    const constraint = `audit_refuses_${a.organisation}`;
    await sql`alter table audit_log add constraint ${sql.id(constraint)} check (organisation <> ${sql.lit(a.organisation)}) not valid`.execute(
      t.deps.db,
    );
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: { authorization: a.authorization },
        payload: plan,
      });
      expect(res.statusCode).toBe(500);
      expect(await plansOfOrganisation()).toBe(0);
    } finally {
      await sql`alter table audit_log drop constraint ${sql.id(constraint)}`.execute(t.deps.db);
    }

    const { id } = await push(t, a.authorization, plan);
    expect(await plansOfOrganisation()).toBe(1);
    const entries = await auditOf(t, a.authorization, `plan=${id}`);
    expect(entries.map((e) => [e.action, e.planId, e.version, e.status, e.outcome])).toEqual([
      ['plan.push', id, 1, 201, 'success'],
    ]);
    // The identical push stores nothing, so the hook records its 200.
    await push(t, a.authorization, plan);
    expect((await auditOf(t, a.authorization, `plan=${id}`)).map((e) => e.status)).toEqual([200, 201]);
  });
});

describe('append-only in the database', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  async function refusal(statement: string, role?: string): Promise<string> {
    await client.query('begin');
    try {
      if (role) await client.query(`set local role ${role}`);
      await client.query(statement);
      return 'allowed';
    } catch (err) {
      return (err as { code?: string }).code ?? 'error';
    } finally {
      await client.query('rollback');
    }
  }

  it('refuses UPDATE, DELETE and TRUNCATE even to a superuser (the trigger)', async () => {
    const a = await adminOf(t.deps);
    await push(t, a.authorization, validPlan({ municipalityCode: a.organisation }));
    for (const statement of [
      `update audit_log set action = 'x' where organisation = '${a.organisation}'`,
      `delete from audit_log where organisation = '${a.organisation}'`,
      'truncate audit_log',
    ]) {
      expect(await refusal(statement), statement).toBe('42501');
    }
  });

  it('gives the application role INSERT and SELECT on audit_log only, and ordinary rights elsewhere', async () => {
    const a = await adminOf(t.deps);
    await push(t, a.authorization, validPlan({ municipalityCode: a.organisation }));
    const { rows } = await client.query(
      `select privilege_type from information_schema.role_table_grants
       where grantee = 'planbrygga_app' and table_name = 'audit_log' order by 1`,
    );
    expect(rows.map((r) => r.privilege_type)).toEqual(['INSERT', 'SELECT']);
    // Without the trigger in the way, privileges alone refuse: the trigger fires after the check.
    expect(
      await refusal(
        `update audit_log set action = 'x' where organisation = '${a.organisation}'`,
        'planbrygga_app',
      ),
    ).toBe('42501');
    expect(
      await refusal(`delete from audit_log where organisation = '${a.organisation}'`, 'planbrygga_app'),
    ).toBe('42501');
    expect(await refusal('truncate audit_log', 'planbrygga_app')).toBe('42501');
    expect(await refusal(`select count(*) from audit_log`, 'planbrygga_app')).toBe('allowed');
    expect(
      await refusal(
        `update plans set status = status where organisation = '${a.organisation}'`,
        'planbrygga_app',
      ),
    ).toBe('allowed');
  });

  it('runs the whole app as the application role: migrate (nothing pending), push, read, audit', async () => {
    const url = new URL(inject('databaseUrl'));
    url.searchParams.set('options', '-c role=planbrygga_app');
    const restricted = await createTestApp({ env: { DATABASE_URL: url.toString() } });
    try {
      const { rows } = await sql<{ who: string }>`select current_user as who`.execute(restricted.deps.db);
      expect(rows[0]?.who).toBe('planbrygga_app');
      expect(await migrateToLatest(restricted.deps.db)).toEqual({ applied: [] });
      const a = await adminOf(restricted.deps);
      const { id } = await push(restricted, a.authorization, validPlan({ municipalityCode: a.organisation }));
      expect(
        (await restricted.app.inject({ url: `/v1/plans/${id}`, headers: { authorization: a.authorization } }))
          .statusCode,
      ).toBe(200);
      expect((await auditOf(restricted, a.authorization, `plan=${id}`)).map((e) => e.action)).toEqual([
        'plan.read',
        'plan.push',
      ]);
      await expect(sql`delete from audit_log`.execute(restricted.deps.db)).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      await restricted.close();
    }
  });
});
